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
import dev.redispatterns.core.TryAgainBackoff;

/**
 * Acquisitions that only count once {@code WAIT} confirms that enough replicas received them, so the lock
 * and its fencing counter survive a failover to one of those replicas.
 * <p>
 * {@code WAIT} blocks the connection it runs on and counts that connection's own writes, so acquisitions
 * in this mode run the script and {@code WAIT} back to back (pipelined) on a dedicated connection, never on
 * the shared one; in a cluster on a dedicated connection to the master that owns the lock's slot.
 */
final class ReplicaAcknowledgement {

	/** Redirects followed for one acquisition at most: a slot moves once, and ASK sends it on once. */
	private static final int MAX_REDIRECTS = 3;

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
	 * <p>
	 * In a cluster the script runs on a node connection, which does not follow redirects as the cluster
	 * connection does: after a slot moved ({@code MOVED}) or while it moves ({@code ASK}, {@code TRYAGAIN})
	 * nothing ran, so the attempt is repeated on the node Redis names, within the command timeout.
	 * @throws InsufficientReplicasException if fewer replicas confirmed (the caller releases the lock)
	 */
	long acquire(LuaScript script, byte[][] keys, byte[]... args) {
		TryAgainBackoff backoff = new TryAgainBackoff(this.connector.commandTimeout());
		@Nullable Redirect redirect = null;
		int redirects = 0;
		while (true) {
			RedisAsyncCommands<byte[], byte[]> commands = (redirect != null) ? commandsAt(redirect)
					: commandsFor(keys[0]);
			try {
				return acquireOn(commands, redirect != null && redirect.ask(), script, keys, args);
			}
			catch (RedisPatternsException ex) {
				Redirect next = Redirect.of(ex.getCause());
				if (next != null && redirects++ < MAX_REDIRECTS) {
					if (!next.ask()) {
						refreshTopology();
					}
					redirect = next;
					continue;
				}
				backoff.pauseOrThrow(ex);
			}
		}
	}

	private long acquireOn(RedisAsyncCommands<byte[], byte[]> commands, boolean asking, LuaScript script,
			byte[][] keys, byte[]... args) {
		if (asking) {
			commands.asking();
		}
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
			if (asking) {
				commands.asking();
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

	@SuppressWarnings("unchecked")
	private RedisAsyncCommands<byte[], byte[]> commandsAt(Redirect redirect) {
		if (!(connection() instanceof StatefulRedisClusterConnection<?, ?> cluster)) {
			throw new RedisPatternsException("Redirected to " + redirect.host() + ":" + redirect.port()
					+ " outside a cluster");
		}
		try {
			return ((StatefulRedisConnection<byte[], byte[]>) cluster.getConnection(redirect.host(), redirect.port()))
				.async();
		}
		catch (RuntimeException ex) {
			throw RedisConnector.translate(ex);
		}
	}

	/** Lets the shared topology catch up with a moved slot, so the next acquisitions go straight there. */
	private void refreshTopology() {
		if (this.connector.connectionFactory().getNativeClient() instanceof RedisClusterClient client) {
			client.refreshPartitionsAsync();
		}
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

	/** A {@code MOVED} or {@code ASK} reply: the node that serves the slot now. */
	record Redirect(boolean ask, String host, int port) {

		static @Nullable Redirect of(@Nullable Throwable failure) {
			String reply = RedisConnector.errorReply(failure);
			return (reply != null) ? parse(reply) : null;
		}

		/** Parses {@code MOVED <slot> <host>:<port>} and {@code ASK <slot> <host>:<port>}. */
		static @Nullable Redirect parse(String message) {
			boolean ask = message.startsWith("ASK ");
			if (!ask && !message.startsWith("MOVED ")) {
				return null;
			}
			String[] parts = message.trim().split(" ");
			if (parts.length < 3) {
				return null;
			}
			int colon = parts[2].lastIndexOf(':');
			if (colon <= 0) {
				return null;
			}
			try {
				return new Redirect(ask, parts[2].substring(0, colon), Integer.parseInt(parts[2].substring(colon + 1)));
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

	}

	/** Fewer replicas than required confirmed an acquisition. */
	static final class InsufficientReplicasException extends RedisPatternsException {

		InsufficientReplicasException(long confirmed, int required) {
			super("only " + confirmed + " of " + required + " required replicas confirmed the acquisition");
		}

	}

}
