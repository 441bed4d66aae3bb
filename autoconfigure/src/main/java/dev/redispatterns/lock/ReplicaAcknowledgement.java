package dev.redispatterns.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.internal.RetryPacer;
import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * Acquisitions that only count once {@code WAIT} confirms that enough replicas received them, so the lock
 * and its fencing counter survive a failover to one of those replicas.
 * <p>
 * {@code WAIT} blocks the connection it runs on and counts that connection's own writes, so these
 * acquisitions run on connections of their own, never on the shared one; in a cluster on the connection to
 * the master that owns the lock's slot ({@link ReplicaConnections}). Each acquisition has its connection to itself from the script to
 * the {@code WAIT} reply: an attempt never waits in Redis behind another acquisition's {@code WAIT}, so its
 * time-out means that Redis did not answer. {@code WAIT} follows only a script that acquired (refused
 * attempts leave nothing to confirm), and when a script's reply is lost its release is sent right behind it
 * on the same connection, so Redis runs the release after the attempt whatever happens to either.
 * <p>
 * Native mode only (Lettuce's node connections): in portable mode {@link RedisLockManager} refuses to start
 * with replica acknowledgement.
 */
final class ReplicaAcknowledgement {

	/** Redirects followed for one acquisition at most: a slot moves once, and ASK sends it on once. */
	private static final int MAX_REDIRECTS = 3;

	private final RedisConnector connector;

	private final int replicas;

	private final long timeoutMillis;

	private final Duration replyTimeout;

	private final ReplicaConnections connections;

	ReplicaAcknowledgement(RedisConnector connector, int replicas, Duration timeout) {
		this.connector = connector;
		this.replicas = replicas;
		this.timeoutMillis = timeout.toMillis();
		this.replyTimeout = timeout.plus(connector.commandTimeout());
		this.connections = new ReplicaConnections(connector, this.replyTimeout.multipliedBy(2));
	}

	/**
	 * Runs an acquire script and, when it acquired, requires the replicas' confirmation.
	 * <p>
	 * In a cluster the script runs on a node connection, which does not follow redirects as the cluster
	 * connection does: after a slot moved ({@code MOVED}) or while it moves ({@code ASK}, {@code TRYAGAIN})
	 * nothing ran, so the attempt is repeated on the node Redis names, within the command timeout.
	 * @param releaseArgs the arguments of {@code target.release} that free whatever the attempt acquired
	 * @throws InsufficientReplicasException if fewer replicas confirmed (the caller releases the lock)
	 * @throws RedisUnavailableException if Redis did not answer; a script whose reply was lost is released
	 * behind it already, and a confirmation that did not come leaves a grant the caller releases
	 */
	long acquire(LockTarget target, byte[][] args, byte[][] releaseArgs) {
		Exchange exchange = new Exchange(this.connections.borrow());
		try {
			return exchange.acquire(target, args, releaseArgs);
		}
		finally {
			exchange.finish();
		}
	}

	/** One acquisition on a connection of its own, and what it last sent there. */
	private final class Exchange {

		private final StatefulConnection<byte[], byte[]> connection;

		private @Nullable CompletableFuture<?> last;

		/** Whether the connection must not serve another acquisition (a {@code WAIT} may still block it). */
		private boolean unusable;

		Exchange(StatefulConnection<byte[], byte[]> connection) {
			this.connection = connection;
		}

		long acquire(LockTarget target, byte[][] args, byte[][] releaseArgs) {
			RetryPacer pacer = RetryPacer.tryAgain(ReplicaAcknowledgement.this.connector.commandTimeout());
			@Nullable Redirect redirect = null;
			int redirected = 0;
			while (true) {
				RedisAsyncCommands<byte[], byte[]> commands = (redirect != null) ? commandsAt(redirect)
						: commandsFor(target.acquireKeys[0]);
				boolean asking = redirect != null && redirect.ask();
				try {
					return acquireOn(commands, asking, target, args, releaseArgs);
				}
				catch (InsufficientReplicasException ex) {
					throw ex;
				}
				catch (RedisPatternsException ex) {
					// after an error reply nothing ran and nothing waits on the connection: retry where that helps
					Redirect next = Redirect.of(ex.getCause());
					if (next != null && redirected++ < MAX_REDIRECTS) {
						if (!next.ask()) {
							refreshTopology();
						}
						redirect = next;
						continue;
					}
					pacer.pauseOrThrow(ex);
				}
			}
		}

		private long acquireOn(RedisAsyncCommands<byte[], byte[]> commands, boolean asking, LockTarget target,
				byte[][] args, byte[][] releaseArgs) {
			Long result;
			try {
				// NOSCRIPT: EVAL sent by this thread, so a release sent after a lost reply still follows it
				result = ScriptExecutor.<Long>evalshaOrEval(() -> {
					if (asking) {
						commands.asking();
					}
					return commands.<Long>evalsha(target.acquire.sha1(), ScriptOutputType.INTEGER, target.acquireKeys,
							args).toCompletableFuture();
				}, () -> {
					if (asking) {
						commands.asking();
					}
					return commands.<Long>eval(target.acquire.source(), ScriptOutputType.INTEGER, target.acquireKeys,
							args).toCompletableFuture();
				}, this::awaitReply).join();
			}
			catch (RedisPatternsException ex) {
				if (RedisConnector.errorReply(ex) == null) {
					// no reply: Redis may still run the attempt, and runs this release after it
					release(commands, asking, target, releaseArgs);
				}
				throw ex;
			}
			if (result == null || result <= 0) {
				return (result != null) ? result : -1;
			}
			RedisFuture<Long> acks = commands.waitForReplication(ReplicaAcknowledgement.this.replicas,
					ReplicaAcknowledgement.this.timeoutMillis);
			this.last = acks.toCompletableFuture();
			this.unusable = true;
			long confirmed = ReplicaAcknowledgement.this.connector.await(acks, ReplicaAcknowledgement.this.replyTimeout);
			this.unusable = false;
			if (confirmed < ReplicaAcknowledgement.this.replicas) {
				throw new InsufficientReplicasException(confirmed, ReplicaAcknowledgement.this.replicas);
			}
			return result;
		}

		private @Nullable Long awaitReply(CompletableFuture<Long> reply) {
			this.last = reply;
			return ReplicaAcknowledgement.this.connector.await(reply);
		}

		/** EVAL rather than EVALSHA: this node may not know the script, and there is no second chance. */
		private void release(RedisAsyncCommands<byte[], byte[]> commands, boolean asking, LockTarget target,
				byte[][] releaseArgs) {
			try {
				if (asking) {
					commands.asking();
				}
				this.last = commands
					.eval(target.release.source(), ScriptOutputType.INTEGER, target.releaseKeys, releaseArgs)
					.toCompletableFuture();
			}
			catch (RuntimeException ex) {
				// the connection is gone: the caller's own clean-up is all that is left
				this.unusable = true;
			}
		}

		@SuppressWarnings("unchecked")
		private RedisAsyncCommands<byte[], byte[]> commandsFor(byte[] key) {
			if (this.connection instanceof StatefulRedisClusterConnection<?, ?> cluster) {
				int slot = SlotHash.getSlot(key);
				RedisClusterNode master = cluster.getPartitions().getMasterBySlot(slot);
				if (master == null) {
					throw new RedisUnavailableException("No master serves slot " + slot);
				}
				return nodeCommands(((StatefulRedisClusterConnection<byte[], byte[]>) cluster)
					.getConnectionAsync(master.getNodeId()));
			}
			return ((StatefulRedisConnection<byte[], byte[]>) this.connection).async();
		}

		@SuppressWarnings("unchecked")
		private RedisAsyncCommands<byte[], byte[]> commandsAt(Redirect redirect) {
			if (!(this.connection instanceof StatefulRedisClusterConnection<?, ?> cluster)) {
				throw new RedisPatternsException("Redirected to " + redirect.host() + ":" + redirect.port()
						+ " outside a cluster");
			}
			return nodeCommands(((StatefulRedisClusterConnection<byte[], byte[]>) cluster)
				.getConnectionAsync(redirect.host(), redirect.port()));
		}

		private RedisAsyncCommands<byte[], byte[]> nodeCommands(
				CompletableFuture<StatefulRedisConnection<byte[], byte[]>> node) {
			ReplicaConnections connections = ReplicaAcknowledgement.this.connections;
			StatefulRedisConnection<byte[], byte[]> connection = connections.awaitConnection(node);
			connection.setTimeout(connections.lettuceTimeout);
			return connection.async();
		}

		/**
		 * Gives the connection back once Redis has answered everything sent on it, so the next acquisition
		 * finds it free; one that may still be blocked or lost its connection is closed instead.
		 */
		void finish() {
			CompletableFuture<?> pending = this.last;
			ReplicaConnections connections = ReplicaAcknowledgement.this.connections;
			if (this.unusable) {
				connections.discard(this.connection);
			}
			else if (pending == null || pending.isDone()) {
				connections.recycle(this.connection, pending);
			}
			else {
				pending.whenComplete((result, failure) -> connections.recycle(this.connection, pending));
			}
		}

	}

	/** Lets the shared topology catch up with a moved slot, so the next acquisitions go straight there. */
	private void refreshTopology() {
		if (this.connector.lettuce().getNativeClient() instanceof RedisClusterClient client) {
			client.refreshPartitionsAsync();
		}
	}

	void close() {
		this.connections.close();
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
