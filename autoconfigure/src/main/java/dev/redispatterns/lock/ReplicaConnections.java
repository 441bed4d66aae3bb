package dev.redispatterns.lock;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.internal.LettuceClose;

/**
 * The connections of {@link ReplicaAcknowledgement}: {@code WAIT} blocks the connection it runs on, so each
 * acquisition borrows one to itself and gives it back once Redis answered everything sent on it. At most
 * {@link #MAX_CONNECTIONS} are open and {@link #MAX_IDLE} kept free; a connection that may still be blocked,
 * or lost its link, is closed instead of reused.
 */
final class ReplicaConnections {

	/** Connections open at most; one more acquisition waits up to the command timeout for a free one. */
	static final int MAX_CONNECTIONS = 64;

	/** Free connections kept for the next acquisitions; further ones are closed when they come back. */
	static final int MAX_IDLE = 8;

	private final RedisConnector connector;

	/**
	 * Lettuce's own time-out on these connections (its default is {@code spring.data.redis.timeout}, which
	 * may be shorter than a {@code WAIT}): only a backstop behind the waits of the acquisitions.
	 */
	final Duration lettuceTimeout;

	private final LinkedBlockingDeque<StatefulConnection<byte[], byte[]>> idle = new LinkedBlockingDeque<>();

	private final Set<StatefulConnection<byte[], byte[]>> open = ConcurrentHashMap.newKeySet();

	/** One permit per connection open or being opened. */
	private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);

	/** Connects off the caller's thread, so a server that accepts but does not answer costs one command timeout. */
	private final ExecutorService connecting;

	private volatile boolean closed;

	ReplicaConnections(RedisConnector connector, Duration lettuceTimeout) {
		this.connector = connector;
		this.lettuceTimeout = lettuceTimeout;
		this.connecting = Executors.newCachedThreadPool(connector.threads().factory("lock-replica-connect"));
	}

	/** Gives a connection back after {@code last}, its last command, was answered; else closes it. */
	void recycle(StatefulConnection<byte[], byte[]> connection, @Nullable CompletableFuture<?> last) {
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

	void discard(StatefulConnection<byte[], byte[]> connection) {
		if (!forget(connection)) {
			return;
		}
		if (this.closed) {
			// closed before the connection factory shuts the client down, which would close it a second time
			LettuceClose.closeAndWait(connection, this.connector.commandTimeout());
		}
		else {
			connection.closeAsync();
		}
	}

	private boolean forget(StatefulConnection<byte[], byte[]> connection) {
		if (this.open.remove(connection)) {
			this.slots.release();
			return true;
		}
		return false;
	}

	/** A free connection, a new one while fewer than the maximum are open, else the next one freed. */
	StatefulConnection<byte[], byte[]> borrow() {
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
	<T> T awaitConnection(CompletableFuture<T> connecting) {
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

	void close() {
		this.closed = true;
		this.connecting.shutdownNow();
		this.idle.clear();
		for (StatefulConnection<byte[], byte[]> connection : Set.copyOf(this.open)) {
			discard(connection);
		}
	}

}
