package dev.redispatterns.lock;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.LuaScript;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.RedisUnavailableException;

/**
 * Acquisitions that only count once {@code WAIT} confirms that enough replicas received them, so the lock
 * and its fencing counter survive a failover to one of those replicas.
 * <p>
 * {@code WAIT} blocks the connection it runs on and counts that connection's own writes, so acquisitions
 * in this mode run the script and {@code WAIT} back to back (pipelined) on a dedicated connection, never on
 * the shared one; in a cluster on a dedicated connection to the master that owns the lock's slot.
 */
final class ReplicaAcknowledgement {

	private final RedisConnector connector;

	private final int replicas;

	private final long timeoutMillis;

	private final Duration replyTimeout;

	private final ReentrantLock connectLock = new ReentrantLock();

	private volatile @Nullable StatefulConnection<byte[], byte[]> connection;

	ReplicaAcknowledgement(RedisConnector connector, int replicas, Duration timeout) {
		this.connector = connector;
		this.replicas = replicas;
		this.timeoutMillis = timeout.toMillis();
		this.replyTimeout = timeout.plus(connector.commandTimeout());
	}

	/**
	 * Runs an acquire script and, when it acquired, requires the replicas' confirmation.
	 * @throws InsufficientReplicasException if fewer replicas confirmed (the caller releases the lock)
	 */
	long acquire(LuaScript script, byte[][] keys, byte[]... args) {
		RedisAsyncCommands<byte[], byte[]> commands = commandsFor(keys[0]);
		RedisFuture<Long> reply = commands.evalsha(script.sha1(), ScriptOutputType.INTEGER, keys, args);
		RedisFuture<Long> acks = commands.waitForReplication(this.replicas, this.timeoutMillis);
		Long result;
		try {
			result = this.connector.await(reply);
		}
		catch (RedisPatternsException ex) {
			if (!(ex.getCause() instanceof RedisNoScriptException)) {
				throw ex;
			}
			reply = commands.eval(script.source(), ScriptOutputType.INTEGER, keys, args);
			acks = commands.waitForReplication(this.replicas, this.timeoutMillis);
			result = this.connector.await(reply);
		}
		if (result == null || result <= 0) {
			return (result != null) ? result : -1;
		}
		long confirmed = this.connector.await(acks, this.replyTimeout);
		if (confirmed < this.replicas) {
			throw new InsufficientReplicasException(confirmed, this.replicas);
		}
		return result;
	}

	@SuppressWarnings("unchecked")
	private RedisAsyncCommands<byte[], byte[]> commandsFor(byte[] key) {
		StatefulConnection<byte[], byte[]> current = connection();
		if (current instanceof StatefulRedisClusterConnection<?, ?> cluster) {
			int slot = SlotHash.getSlot(key);
			RedisClusterNode master = cluster.getPartitions().getMasterBySlot(slot);
			if (master == null) {
				throw new RedisUnavailableException("No master serves slot " + slot);
			}
			try {
				return ((StatefulRedisConnection<byte[], byte[]>) cluster.getConnection(master.getNodeId())).async();
			}
			catch (RuntimeException ex) {
				throw RedisConnector.translate(ex);
			}
		}
		return ((StatefulRedisConnection<byte[], byte[]>) current).async();
	}

	private StatefulConnection<byte[], byte[]> connection() {
		StatefulConnection<byte[], byte[]> current = this.connection;
		if (current != null) {
			return current;
		}
		this.connectLock.lock();
		try {
			if (this.connection == null) {
				AbstractRedisClient client = this.connector.connectionFactory().getNativeClient();
				try {
					if (client instanceof RedisClusterClient cluster) {
						this.connection = cluster.connect(ByteArrayCodec.INSTANCE);
					}
					else if (client instanceof RedisClient standalone) {
						this.connection = standalone.connect(ByteArrayCodec.INSTANCE);
					}
					else {
						throw new RedisUnavailableException("No Lettuce client to connect with (" + client + ")");
					}
				}
				catch (RuntimeException ex) {
					throw RedisConnector.translate(ex);
				}
			}
			return this.connection;
		}
		finally {
			this.connectLock.unlock();
		}
	}

	void close() {
		StatefulConnection<byte[], byte[]> current = this.connection;
		this.connection = null;
		if (current != null) {
			current.closeAsync();
		}
	}

	/** Fewer replicas than required confirmed an acquisition. */
	static final class InsufficientReplicasException extends RedisPatternsException {

		InsufficientReplicasException(long confirmed, int required) {
			super("only " + confirmed + " of " + required + " required replicas confirmed the acquisition");
		}

	}

}
