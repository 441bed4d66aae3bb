package dev.redispatterns.core.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Keeps track of every network channel the Lettuce client opens (shared, pub/sub, blocking readers,
 * {@code WAIT}; Spring's and the starter's alike), so that the connections to one server can be dropped at
 * once: Lettuce then reconnects each of them on its own, resolving the address again (through Sentinel).
 * Registered as the client resources' {@link NettyCustomizer}; closed channels leave the group by
 * themselves.
 */
public final class RedisChannels implements NettyCustomizer {

	private final ChannelGroup channels = new DefaultChannelGroup("redis-patterns", GlobalEventExecutor.INSTANCE);

	@Override
	public void afterChannelInitialized(Channel channel) {
		this.channels.add(channel);
	}

	/** Number of open channels. */
	public int size() {
		return this.channels.size();
	}

	/**
	 * Closes every open channel connected to {@code host:port}. Lettuce sees each as a broken connection,
	 * re-sends the commands that were in flight and reconnects.
	 * @return how many channels were closed
	 */
	public int disconnect(String host, int port) {
		int closed = 0;
		for (Channel channel : this.channels) {
			if (channel.isActive() && isAddress(channel.remoteAddress(), host, port)) {
				channel.close();
				closed++;
			}
		}
		return closed;
	}

	static boolean isAddress(SocketAddress address, String host, int port) {
		if (!(address instanceof InetSocketAddress inet) || inet.getPort() != port) {
			return false;
		}
		if (host.equalsIgnoreCase(inet.getHostString())) {
			return true;
		}
		return inet.getAddress() != null && host.equals(inet.getAddress().getHostAddress());
	}

}
