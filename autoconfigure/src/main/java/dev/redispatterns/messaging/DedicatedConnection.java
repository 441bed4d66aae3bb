package dev.redispatterns.messaging;

import java.time.Duration;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;

/**
 * A connection of its own for one reader's blocking commands ({@code XREADGROUP BLOCK}, {@code BLMOVE}),
 * which would otherwise stall every command sharing the starter's connection. Opened from the same Lettuce
 * client as the shared connection, so it follows the same standalone, Sentinel or Cluster set-up and
 * reconnects on its own.
 */
final class DedicatedConnection implements AutoCloseable {

	private final StatefulConnection<byte[], byte[]> connection;

	private final RedisClusterAsyncCommands<byte[], byte[]> commands;

	private DedicatedConnection(StatefulConnection<byte[], byte[]> connection,
			RedisClusterAsyncCommands<byte[], byte[]> commands) {
		this.connection = connection;
		this.commands = commands;
	}

	/**
	 * Opens a connection whose command timeout is {@code timeout}: longer than the longest blocking wait,
	 * so Lettuce does not cancel a blocking read that Redis may already have served.
	 */
	static DedicatedConnection open(RedisConnector connector, Duration timeout) {
		AbstractRedisClient client = connector.lettuce().getNativeClient();
		try {
			if (client instanceof RedisClusterClient cluster) {
				StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.connect(ByteArrayCodec.INSTANCE);
				connection.setTimeout(timeout);
				return new DedicatedConnection(connection, connection.async());
			}
			if (client instanceof RedisClient standalone) {
				StatefulRedisConnection<byte[], byte[]> connection = standalone.connect(ByteArrayCodec.INSTANCE);
				connection.setTimeout(timeout);
				return new DedicatedConnection(connection, connection.async());
			}
		}
		catch (RuntimeException ex) {
			throw RedisConnector.translate(ex);
		}
		throw new RedisUnavailableException("No Lettuce client to open a dedicated connection with (" + client + ")");
	}

	RedisClusterAsyncCommands<byte[], byte[]> async() {
		return this.commands;
	}

	boolean isOpen() {
		return this.connection.isOpen();
	}

	@Override
	public void close() {
		this.connection.closeAsync();
	}

}
