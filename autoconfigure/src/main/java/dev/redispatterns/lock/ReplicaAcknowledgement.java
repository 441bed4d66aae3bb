package dev.redispatterns.lock;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
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
 * the master that owns the lock's slot. Each acquisition has its connection to itself from the script to
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

	/** Connections open at most; one more acquisition waits up to the command timeout for a free one. */
	static final int MAX_CONNECTIONS = 64;

	/** Free connections kept for the next acquisitions; further ones are closed when they come back. */
	static final int MAX_IDLE = 8;

	private final RedisConnector connector;

	private final int replicas;

	private final long timeoutMillis;

	private final Duration replyTimeout;

	/**
	 * Lettuce's own time-out on these connections (its default is {@code spring.data.redis.timeout}, which
	 * may be shorter than a {@code WAIT}): only a backstop behind the waits here.
	 */
	private final Duration lettuceTimeout;

	private final LinkedBlockingDeque<StatefulConnection<byte[], byte[]>> idle = new LinkedBlockingDeque<>();

	private final Set<StatefulConnection<byte[], byte[]>> open = ConcurrentHashMap.newKeySet();

	/** One permit per connection open or being opened. */
	private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);

	/** Connects off the caller's thread, so a server that accepts but does not answer costs one command timeout. */
	private final ExecutorService connecting;

	private volatile boolean closed;

	ReplicaAcknowledgement(RedisConnector connector, int replicas, Duration timeout) {
		this.connector = connector;
		this.connecting = Executors.newCachedThreadPool(connector.threads().factory("lock-replica-connect"));
		this.replicas = replicas;
		this.timeoutMillis = timeout.toMillis();
		this.replyTimeout = timeout.plus(connector.commandTimeout());
		this.lettuceTimeout = this.replyTimeout.multipliedBy(2);
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
		Exchange exchange = new Exchange(borrow());
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
			StatefulRedisConnection<byte[], byte[]> connection = awaitConnection(node);
			connection.setTimeout(ReplicaAcknowledgement.this.lettuceTimeout);
			return connection.async();
		}

		/**
		 * Gives the connection back once Redis has answered everything sent on it, so the next acquisition
		 * finds it free; one that may still be blocked or lost its connection is closed instead.
		 */
		void finish() {
			CompletableFuture<?> pending = this.last;
			if (this.unusable) {
				discard(this.connection);
			}
			else if (pending == null || pending.isDone()) {
				recycle(this.connection, pending);
			}
			else {
				pending.whenComplete((result, failure) -> recycle(this.connection, pending));
			}
		}

	}

	private void recycle(StatefulConnection<byte[], byte[]> connection, @Nullable CompletableFuture<?> last) {
		boolean answered = last == null || !last.isCompletedExceptionally() || answeredWithError(last);
		if (this.closed || !answered || !connection.isOpen() || this.idle.size() >= MAX_IDLE) {
			discard(connection);
			return;
		}
		this.idle.offerFirst(connection);
		if (this.closed && this.idle.remove(connection)) {
			discard(connection);
		}
	}

	/** Whether a command failed with Redis's error reply (the connection is fine), not for want of one. */
	private static boolean answeredWithError(CompletableFuture<?> last) {
		try {
			last.join();
			return true;
		}
		catch (RuntimeException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return cause instanceof RedisCommandExecutionException;
		}
	}

	private void discard(StatefulConnection<byte[], byte[]> connection) {
		if (this.open.remove(connection)) {
			this.slots.release();
		}
		connection.closeAsync();
	}

	/** A free connection, a new one while fewer than the maximum are open, else the next one freed. */
	private StatefulConnection<byte[], byte[]> borrow() {
		if (this.closed) {
			throw new RedisUnavailableException("The lock manager is closed");
		}
		StatefulConnection<byte[], byte[]> free = this.idle.pollFirst();
		if (free != null) {
			return free;
		}
		if (this.slots.tryAcquire()) {
			return connect();
		}
		try {
			free = this.idle.pollFirst(this.connector.commandTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisUnavailableException("Interrupted while waiting for a connection", ex);
		}
		if (free == null) {
			throw new RedisUnavailableException("All " + MAX_CONNECTIONS
					+ " connections for replica-confirmed acquisitions stayed busy for the command timeout");
		}
		return free;
	}

	/** Opens a connection, holding a slot; a connection that arrives after the caller gave up joins the pool. */
	private StatefulConnection<byte[], byte[]> connect() {
		CompletableFuture<StatefulConnection<byte[], byte[]>> connected;
		try {
			connected = CompletableFuture.supplyAsync(this::connectNow, this.connecting);
		}
		catch (RuntimeException ex) {
			this.slots.release();
			throw new RedisUnavailableException("Cannot connect: " + ex.getMessage(), ex);
		}
		try {
			return awaitConnection(connected);
		}
		catch (RuntimeException ex) {
			connected.whenComplete((connection, failure) -> {
				if (connection != null) {
					recycle(connection, null);
				}
				else {
					this.slots.release();
				}
			});
			throw ex;
		}
	}

	/**
	 * Waits for a connection for at most the command timeout without cancelling it: Lettuce keeps node
	 * connections it is still opening, and a late one is still useful.
	 */
	private <T> T awaitConnection(CompletableFuture<T> connecting) {
		Duration timeout = this.connector.commandTimeout();
		try {
			return connecting.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new RedisUnavailableException("No connection within " + timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			throw RedisConnector.translate(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisUnavailableException("Interrupted while connecting", ex);
		}
	}

	private StatefulConnection<byte[], byte[]> connectNow() {
		AbstractRedisClient client = this.connector.lettuce().getNativeClient();
		StatefulConnection<byte[], byte[]> connection;
		try {
			if (client instanceof RedisClusterClient cluster) {
				connection = cluster.connect(ByteArrayCodec.INSTANCE);
			}
			else if (client instanceof RedisClient standalone) {
				connection = standalone.connect(ByteArrayCodec.INSTANCE);
			}
			else {
				throw new RedisUnavailableException("No Lettuce client to connect with (" + client + ")");
			}
		}
		catch (RuntimeException ex) {
			throw RedisConnector.translate(ex);
		}
		connection.setTimeout(this.lettuceTimeout);
		this.open.add(connection);
		return connection;
	}

	/** Lets the shared topology catch up with a moved slot, so the next acquisitions go straight there. */
	private void refreshTopology() {
		if (this.connector.lettuce().getNativeClient() instanceof RedisClusterClient client) {
			client.refreshPartitionsAsync();
		}
	}

	void close() {
		this.closed = true;
		this.connecting.shutdownNow();
		for (StatefulConnection<byte[], byte[]> connection = this.idle.pollFirst(); connection != null; connection = this.idle
			.pollFirst()) {
			discard(connection);
		}
		for (StatefulConnection<byte[], byte[]> connection : Set.copyOf(this.open)) {
			discard(connection);
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
