package dev.redispatterns.core.internal;

import java.util.concurrent.CompletableFuture;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.internal.SignalConnection.Kind;

/**
 * The signal connection in native mode: a Lettuce pub/sub connection of its own. On Redis Cluster it is
 * Lettuce's cluster pub/sub connection, which routes each {@code SSUBSCRIBE} to the node owning the channel's
 * slot, reaches a named node through that node's connection, and subscribes its node connections again
 * after a reconnect.
 */
public final class LettuceSignalConnection implements SignalConnection {

	private final RedisConnector connector;

	private final StatefulRedisPubSubConnection<byte[], byte[]> connection;

	LettuceSignalConnection(RedisConnector connector, SignalEvents events) {
		this.connector = connector;
		this.connection = connect(connector);
		if (this.connection instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster) {
			// messages of node subscriptions reach the listener below too (sharded ones always do)
			cluster.setNodeMessagePropagation(true);
		}
		this.connection.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(byte[] channel, byte[] message) {
				events.message(channel, message);
			}

			@Override
			public void message(byte[] pattern, byte[] channel, byte[] message) {
				events.patternMessage(pattern, channel, message);
			}

			@Override
			public void smessage(byte[] channel, byte[] message) {
				events.shardMessage(channel, message);
			}

			@Override
			public void sunsubscribed(byte[] channel, long count) {
				events.shardUnsubscribed(channel);
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
	public void subscribe(Kind kind, byte[] name) {
		RedisPubSubAsyncCommands<byte[], byte[]> commands = this.connection.async();
		RedisFuture<Void> confirmed = switch (kind) {
			case CHANNEL -> commands.subscribe(name);
			case SHARD -> commands.ssubscribe(name);
			case PATTERN -> commands.psubscribe(name);
		};
		this.connector.await(confirmed);
	}

	@Override
	public void unsubscribe(Kind kind, byte[] name) {
		if (!this.connection.isOpen()) {
			return;
		}
		RedisPubSubAsyncCommands<byte[], byte[]> commands = this.connection.async();
		switch (kind) {
			case CHANNEL -> commands.unsubscribe(name);
			case SHARD -> commands.sunsubscribe(name);
			case PATTERN -> commands.punsubscribe(name);
		}
	}

	@Override
	public CompletableFuture<Void> subscribeOnNode(String nodeId, byte[][] channels) {
		return cluster().getConnectionAsync(nodeId)
			.thenCompose((node) -> node.async().subscribe(channels).toCompletableFuture());
	}

	@Override
	public void unsubscribeOnNode(String nodeId, byte[][] channels) {
		cluster().getConnectionAsync(nodeId).thenAccept((node) -> {
			if (node.isOpen()) {
				node.async().unsubscribe(channels);
			}
		});
	}

	private StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster() {
		if (this.connection instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster) {
			return cluster;
		}
		throw new IllegalStateException("Node subscriptions need Redis Cluster");
	}

	@Override
	public void close() {
		this.connection.close();
	}

}
