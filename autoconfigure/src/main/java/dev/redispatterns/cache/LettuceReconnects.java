package dev.redispatterns.cache;

import java.net.SocketAddress;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;

/**
 * Tells when a connection of the application's Lettuce client comes back up, the pub/sub connection that
 * carries near-cache invalidations included: invalidations may have been lost while it was down. Only
 * created with a native connector, so nothing of Lettuce is loaded otherwise.
 */
final class LettuceReconnects implements RedisConnectionStateListener, AutoCloseable {

	private final AbstractRedisClient client;

	private final Runnable reconnected;

	/** Connections seen coming up; seeing one again means it reconnected. */
	private final Set<RedisChannelHandler<?, ?>> connected = Collections.synchronizedSet(
			Collections.newSetFromMap(new WeakHashMap<>()));

	private LettuceReconnects(AbstractRedisClient client, Runnable reconnected) {
		this.client = client;
		this.reconnected = reconnected;
	}

	/** Listens on the connector's Lettuce client; {@code null} when the factory has no client (yet). */
	static @Nullable LettuceReconnects listen(RedisConnector connector, Runnable reconnected) {
		AbstractRedisClient client;
		try {
			client = connector.lettuce().getNativeClient();
		}
		catch (RuntimeException ex) {
			return null;
		}
		LettuceReconnects listener = new LettuceReconnects(client, reconnected);
		client.addListener(listener);
		return listener;
	}

	@Override
	public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
		if (!this.connected.add(connection)) {
			this.reconnected.run();
		}
	}

	@Override
	public void close() {
		try {
			this.client.removeListener(this);
		}
		catch (RuntimeException ex) {
			// the client is already shut down
		}
	}

}
