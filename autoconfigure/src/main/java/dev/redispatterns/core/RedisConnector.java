package dev.redispatterns.core;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Direct access to the Lettuce connection behind Spring Boot's {@link LettuceConnectionFactory}, so the
 * hot paths (one {@code EVALSHA}, one {@code GET}) pay for nothing but the round trip. The same
 * asynchronous command interface serves standalone, Sentinel and Cluster set-ups; Lettuce routes keyed
 * commands to the owning cluster node.
 * <p>
 * Every wait is bounded by the command timeout, and failures are translated into
 * {@link RedisUnavailableException} (Redis cannot serve now) or {@link RedisPatternsException} (the
 * command itself is wrong), so features can apply their documented failure behaviour.
 */
public final class RedisConnector implements DisposableBean {

	private final LettuceConnectionFactory connectionFactory;

	private final Duration commandTimeout;

	private final long commandTimeoutNanos;

	private final RedisTopology topology;

	private final ReentrantLock lock = new ReentrantLock();

	private final RedisPatternsThreads threads;

	private volatile @Nullable Held held;

	public RedisConnector(LettuceConnectionFactory connectionFactory, Duration commandTimeout) {
		this(connectionFactory, commandTimeout, RedisPatternsThreads.platform());
	}

	/**
	 * @param threads where the components sharing this connection take their threads from
	 */
	public RedisConnector(LettuceConnectionFactory connectionFactory, Duration commandTimeout,
			RedisPatternsThreads threads) {
		this.threads = threads;
		this.connectionFactory = connectionFactory;
		this.commandTimeout = commandTimeout;
		this.commandTimeoutNanos = commandTimeout.toNanos();
		this.topology = connectionFactory.isClusterAware() ? RedisTopology.CLUSTER
				: connectionFactory.isRedisSentinelAware() ? RedisTopology.SENTINEL : RedisTopology.STANDALONE;
	}

	/** The asynchronous commands of the shared connection. Never blocks; safe from any thread. */
	public RedisClusterAsyncCommands<byte[], byte[]> async() {
		Held current = this.held;
		if (current == null || current.isReplaced()) {
			current = acquire();
		}
		return current.commands;
	}

	/** The stateful connection behind {@link #async()}. */
	public StatefulConnection<byte[], byte[]> connection() {
		async();
		Held current = this.held;
		return current.stateful;
	}

	/**
	 * Whether the connection is up right now. While Lettuce reconnects this is {@code false}, which lets
	 * callers fail fast instead of queueing commands that would only time out.
	 */
	public boolean isConnected() {
		Held current = this.held;
		if (current == null) {
			try {
				current = acquire();
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		return current.stateful.isOpen();
	}

	/** Fails fast with {@link RedisUnavailableException} when the connection is down. */
	public void requireConnected() {
		if (!isConnected()) {
			throw new RedisUnavailableException("Redis connection is down (reconnecting)");
		}
	}

	public RedisTopology topology() {
		return this.topology;
	}

	public boolean isCluster() {
		return this.topology == RedisTopology.CLUSTER;
	}

	public Duration commandTimeout() {
		return this.commandTimeout;
	}

	/** The starter's thread source, shared by everything that uses this connector. */
	public RedisPatternsThreads threads() {
		return this.threads;
	}

	public LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	/** Waits for a command's reply for at most the command timeout. */
	public <T> T await(Future<T> future) {
		return await(future, this.commandTimeoutNanos);
	}

	/** Waits for a command's reply for at most {@code timeout}. */
	public <T> T await(Future<T> future, Duration timeout) {
		return await(future, timeout.toNanos());
	}

	private <T> T await(Future<T> future, long timeoutNanos) {
		try {
			return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw new RedisUnavailableException(
					"Redis did not answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			throw translate(ex.getCause());
		}
		catch (CancellationException ex) {
			throw new RedisUnavailableException("Redis command was cancelled", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(false);
			throw new RedisUnavailableException("Interrupted while waiting for Redis", ex);
		}
	}

	/**
	 * Maps a Lettuce failure to the starter's exceptions: connection problems, timeouts and the
	 * transient server states ({@code LOADING}, {@code BUSY}, {@code READONLY} after a failover,
	 * {@code CLUSTERDOWN}, {@code TRYAGAIN}, {@code MASTERDOWN}, {@code OOM}) are
	 * {@link RedisUnavailableException}; other error replies are {@link RedisPatternsException}.
	 */
	public static RuntimeException translate(@Nullable Throwable failure) {
		if (failure instanceof RedisPatternsException own) {
			return own;
		}
		if (failure instanceof RedisCommandTimeoutException || failure instanceof RedisConnectionException) {
			return new RedisUnavailableException("Redis unavailable: " + failure.getMessage(), failure);
		}
		if (failure instanceof RedisCommandExecutionException error) {
			String message = String.valueOf(error.getMessage());
			if (isTransient(message)) {
				return new RedisUnavailableException("Redis cannot serve now: " + message, error);
			}
			return new RedisPatternsException("Redis rejected the command: " + message, error);
		}
		if (failure instanceof RedisException) {
			return new RedisUnavailableException("Redis unavailable: " + failure.getMessage(), failure);
		}
		if (failure instanceof java.io.IOException) {
			return new RedisUnavailableException("Redis unavailable: " + failure.getMessage(), failure);
		}
		if (failure instanceof RuntimeException runtime) {
			return runtime;
		}
		return new RedisPatternsException("Redis command failed: " + failure, failure);
	}

	/**
	 * Whether Redis Cluster refused a command because its keys are split between two nodes by a slot
	 * migration in progress ({@code TRYAGAIN}): nothing ran, and the same command succeeds moments later.
	 */
	public static boolean isTryAgain(@Nullable Throwable failure) {
		String reply = errorReply(failure);
		return reply != null && reply.startsWith("TRYAGAIN");
	}

	/** The error reply Redis sent ({@code MOVED 3999 127.0.0.1:6381}, ...) behind a failure, if there is one. */
	public static @Nullable String errorReply(@Nullable Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; current != null && depth < 10; depth++) {
			if (current instanceof RedisCommandExecutionException error) {
				return String.valueOf(error.getMessage());
			}
			current = current.getCause();
		}
		return null;
	}

	private static boolean isTransient(String message) {
		return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("READONLY")
				|| message.startsWith("CLUSTERDOWN") || message.startsWith("TRYAGAIN")
				|| message.startsWith("MASTERDOWN") || message.startsWith("OOM") || message.startsWith("MOVED")
				|| message.startsWith("ASK") || message.startsWith("NOREPLICAS");
	}

	private Held acquire() {
		this.lock.lock();
		try {
			Held current = this.held;
			if (current != null && !current.isReplaced()) {
				return current;
			}
			RedisConnection connection;
			try {
				connection = this.connectionFactory.getConnection();
			}
			catch (RuntimeException ex) {
				throw new RedisUnavailableException("Cannot obtain a Redis connection: " + ex.getMessage(), ex);
			}
			Object nativeConnection = connection.getNativeConnection();
			StatefulConnection<byte[], byte[]> stateful = statefulOf(nativeConnection);
			if (current != null) {
				current.close();
			}
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) nativeConnection;
			Held fresh = new Held(connection, stateful, commands);
			this.held = fresh;
			return fresh;
		}
		finally {
			this.lock.unlock();
		}
	}

	@SuppressWarnings("unchecked")
	private static StatefulConnection<byte[], byte[]> statefulOf(Object nativeConnection) {
		if (nativeConnection instanceof RedisAsyncCommands<?, ?> standalone) {
			return (StatefulConnection<byte[], byte[]>) standalone.getStatefulConnection();
		}
		if (nativeConnection instanceof RedisAdvancedClusterAsyncCommands<?, ?> cluster) {
			return (StatefulConnection<byte[], byte[]>) cluster.getStatefulConnection();
		}
		throw new IllegalStateException("Unsupported native Redis connection " + nativeConnection.getClass().getName()
				+ "; the starter needs Lettuce");
	}

	@Override
	public void destroy() {
		this.lock.lock();
		try {
			Held current = this.held;
			this.held = null;
			if (current != null) {
				current.close();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The Spring connection is kept open for the connector's lifetime: with a shared native connection
	 * closing it would be harmless, but with pooling it would hand the native connection back to the pool.
	 */
	private record Held(RedisConnection springConnection, StatefulConnection<byte[], byte[]> stateful,
			RedisClusterAsyncCommands<byte[], byte[]> commands) {

		/** The factory closed its shared connection (reset, failed validation): fetch the new one. */
		boolean isReplaced() {
			return this.stateful instanceof RedisChannelHandler<?, ?> handler && handler.isClosed();
		}

		void close() {
			try {
				this.springConnection.close();
			}
			catch (RuntimeException ex) {
				// releasing a connection that is already gone
			}
		}

	}

}
