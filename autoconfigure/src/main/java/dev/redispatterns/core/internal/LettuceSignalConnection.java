package dev.redispatterns.core.internal;

import java.util.function.BiConsumer;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;

/** The signal connection in native mode: a Lettuce pub/sub connection of its own. */
public final class LettuceSignalConnection implements RedisSignals.SignalConnection {

	private final RedisConnector connector;

	private final StatefulRedisPubSubConnection<byte[], byte[]> connection;

	LettuceSignalConnection(RedisConnector connector, BiConsumer<byte[], byte[]> onMessage) {
		this.connector = connector;
		this.connection = connect(connector);
		this.connection.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(byte[] channel, byte[] message) {
				onMessage.accept(channel, message);
			}

		});
	}

	private static StatefulRedisPubSubConnection<byte[], byte[]> connect(RedisConnector connector) {
		AbstractRedisClient client = connector.lettuce().getNativeClient();
		try {
			if (client instanceof RedisClusterClient cluster) {
				return cluster.connectPubSub(ByteArrayCodec.INSTANCE);
			}
			if (client instanceof RedisClient standalone) {
				return standalone.connectPubSub(ByteArrayCodec.INSTANCE);
			}
		}
		catch (RuntimeException ex) {
			throw RedisConnector.translate(ex);
		}
		throw new RedisUnavailableException("No Lettuce client to open a pub/sub connection with (" + client + ")");
	}

	@Override
	public void subscribe(byte[] channel) {
		this.connector.await(this.connection.async().subscribe(channel));
	}

	@Override
	public void unsubscribe(byte[] channel) {
		this.connection.async().unsubscribe(channel);
	}

	@Override
	public void close() {
		this.connection.close();
	}

}
