package dev.redispatterns.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.ClusterRedirectException;
import org.springframework.data.redis.TooManyClusterRedirectionsException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.util.ClassUtils;

import dev.redispatterns.core.internal.PatternCommands;
import dev.redispatterns.core.internal.RedisPatternsThreads;

/**
 * The pattern engine's access to Redis: {@link #commands()} for every command, scripts included, and the
 * connection factory for what needs a connection of its own. With Spring Boot's
 * {@link LettuceConnectionFactory} the commands go straight to Lettuce's asynchronous API (native mode);
 * with any other {@link RedisConnectionFactory} — Jedis, or a wrapped or decorated factory — or when
 * {@code redis.patterns.client=portable}, they go through Spring Data Redis (portable mode).
 * <p>
 * Every wait is bounded by the command timeout, and failures are translated into
 * {@link RedisUnavailableException} (Redis cannot serve now) or {@link RedisPatternsException} (the
 * command itself is wrong), so features can apply their documented failure behaviour.
 */
public final class RedisConnector implements DisposableBean {

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.RedisClient",
			RedisConnector.class.getClassLoader());

	private static final boolean JEDIS_PRESENT = ClassUtils.isPresent("redis.clients.jedis.Jedis",
			RedisConnector.class.getClassLoader());

	private final RedisConnectionFactory connectionFactory;

	private final PatternCommands commands;

	private final @Nullable LettuceCommands lettuce;

	private final Duration commandTimeout;

	private final long commandTimeoutNanos;

	private volatile @Nullable RedisTopology topology;

	private final RedisPatternsThreads threads;

	public RedisConnector(RedisConnectionFactory connectionFactory, Duration commandTimeout) {
		this(connectionFactory, commandTimeout, RedisPatternsThreads.platform());
	}

	/**
	 * @param threads where the components sharing this connection take their threads from
	 */
	public RedisConnector(RedisConnectionFactory connectionFactory, Duration commandTimeout,
			RedisPatternsThreads threads) {
		this(connectionFactory, commandTimeout, threads, false);
	}

	/**
	 * @param portable whether to go through Spring Data Redis even when the factory is Lettuce's
	 */
	public RedisConnector(RedisConnectionFactory connectionFactory, Duration commandTimeout,
			RedisPatternsThreads threads, boolean portable) {
		this.threads = threads;
		this.connectionFactory = connectionFactory;
		this.commandTimeout = commandTimeout;
		this.commandTimeoutNanos = commandTimeout.toNanos();
		if (!portable && LETTUCE_PRESENT && connectionFactory instanceof LettuceConnectionFactory factory) {
			this.lettuce = new LettuceCommands(factory);
			this.commands = this.lettuce;
		}
		else {
			this.lettuce = null;
			this.commands = new PortableCommands(connectionFactory);
		}
		this.topology = topologyOf(connectionFactory);
	}

	private static @Nullable RedisTopology topologyOf(RedisConnectionFactory factory) {
		if (LETTUCE_PRESENT && factory instanceof LettuceConnectionFactory lettuce) {
			return lettuce.isClusterAware() ? RedisTopology.CLUSTER
					: lettuce.isRedisSentinelAware() ? RedisTopology.SENTINEL : RedisTopology.STANDALONE;
		}
		if (JEDIS_PRESENT && factory instanceof JedisConnectionFactory jedis) {
			return jedis.isRedisClusterAware() ? RedisTopology.CLUSTER
					: jedis.isRedisSentinelAware() ? RedisTopology.SENTINEL : RedisTopology.STANDALONE;
		}
		return null;
	}

	/** A factory of unknown kind (wrapped, decorated) tells by the connection it hands out. */
	private RedisTopology probeTopology() {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisTopology probed = (connection instanceof RedisClusterConnection) ? RedisTopology.CLUSTER
					: RedisTopology.STANDALONE;
			this.topology = probed;
			return probed;
		}
		catch (RuntimeException ex) {
			return RedisTopology.STANDALONE;
		}
	}

	/** Every command the engine sends, through Lettuce's asynchronous API or Spring Data Redis. */
	public PatternCommands commands() {
		return this.commands;
	}

	/**
	 * Whether the commands go straight to Lettuce (native mode); otherwise through Spring Data Redis
	 * (portable mode), where the Lettuce-only features are not available.
	 */
	public boolean isNative() {
		return this.lettuce != null;
	}

	/**
	 * The Lettuce connection factory, for the features that open Lettuce connections of their own.
	 * @throws RedisPatternsConfigurationException in portable mode
	 */
	public LettuceConnectionFactory lettuce() {
		return nativeCommands().connectionFactory();
	}

	private LettuceCommands nativeCommands() {
		LettuceCommands current = this.lettuce;
		if (current == null) {
			throw new RedisPatternsConfigurationException(
					"This needs Lettuce, but Redis Patterns runs in portable mode on "
							+ this.connectionFactory.getClass().getName() + ".",
					"Use Lettuce (spring.data.redis.client-type=lettuce) and leave redis.patterns.client at auto, "
							+ "or turn off the feature that needs it.");
		}
		return current;
	}

	/**
	 * Runs {@code action} on a Spring Data connection of its own, for commands that are not on a hot path;
	 * failures are translated as for {@link #await}. Bounded by the client's own command timeout.
	 */
	public <T> T execute(RedisCallback<T> action) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return action.doInRedis(connection);
		}
		catch (RuntimeException ex) {
			throw translate(ex);
		}
	}

	/**
	 * Whether the connection is up right now. While Lettuce reconnects this is {@code false}, which lets
	 * callers fail fast instead of queueing commands that would only time out.
	 */
	public boolean isConnected() {
		return this.commands.isConnected();
	}

	/** Fails fast with {@link RedisUnavailableException} when the connection is down. */
	public void requireConnected() {
		if (!isConnected()) {
			throw new RedisUnavailableException("Redis connection is down (reconnecting)");
		}
	}

	public RedisTopology topology() {
		RedisTopology known = this.topology;
		return (known != null) ? known : probeTopology();
	}

	public boolean isCluster() {
		return topology() == RedisTopology.CLUSTER;
	}

	public Duration commandTimeout() {
		return this.commandTimeout;
	}

	/** The starter's thread source, shared by everything that uses this connector. */
	public RedisPatternsThreads threads() {
		return this.threads;
	}

	/**
	 * How long the client itself waits for a reply: Lettuce's command timeout, Jedis's read timeout
	 * ({@code spring.data.redis.timeout}); the starter's command timeout for other factories.
	 */
	public Duration clientTimeout() {
		if (LETTUCE_PRESENT && this.connectionFactory instanceof LettuceConnectionFactory lettuce) {
			return lettuce.getClientConfiguration().getCommandTimeout();
		}
		if (JEDIS_PRESENT && this.connectionFactory instanceof JedisConnectionFactory jedis) {
			return jedis.getClientConfiguration().getReadTimeout();
		}
		return this.commandTimeout;
	}

	/** The database index the factory connects to (always 0 with Redis Cluster). */
	public int database() {
		if (LETTUCE_PRESENT && this.connectionFactory instanceof LettuceConnectionFactory lettuce) {
			return lettuce.getDatabase();
		}
		if (JEDIS_PRESENT && this.connectionFactory instanceof JedisConnectionFactory jedis) {
			return jedis.getDatabase();
		}
		return 0;
	}

	/** The application's connection factory. */
	public RedisConnectionFactory connectionFactory() {
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

	static <T> T await(Future<T> future, long timeoutNanos) {
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
	 * Maps a client failure (Lettuce's, Jedis's or Spring Data's translation of either) to the starter's
	 * exceptions: connection problems, timeouts and the transient server states ({@code LOADING},
	 * {@code BUSY}, {@code READONLY} after a failover, {@code CLUSTERDOWN}, {@code TRYAGAIN},
	 * {@code MASTERDOWN}, {@code OOM}) are {@link RedisUnavailableException}; other error replies are
	 * {@link RedisPatternsException}.
	 */
	public static RuntimeException translate(@Nullable Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof RedisPatternsException own) {
			return own;
		}
		String reply = errorReply(cause);
		if (reply != null) {
			if (isTransient(reply)) {
				return new RedisUnavailableException("Redis cannot serve now: " + reply, cause);
			}
			return new RedisPatternsException("Redis rejected the command: " + reply, cause);
		}
		if (isUnavailable(cause)) {
			return new RedisUnavailableException("Redis unavailable: " + cause.getMessage(), cause);
		}
		if (cause instanceof RuntimeException runtime && !(cause instanceof DataAccessException)) {
			return runtime;
		}
		return new RedisPatternsException("Redis command failed: " + cause, cause);
	}

	private static @Nullable Throwable unwrap(@Nullable Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/** Connection loss, timeouts, redirects that could not be followed, an exhausted pool. */
	static boolean isUnavailable(@Nullable Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; current != null && depth < 10; depth++) {
			if (current instanceof DataAccessResourceFailureException || current instanceof QueryTimeoutException
					|| current instanceof TransientDataAccessException
					|| current instanceof TooManyClusterRedirectionsException
					|| current instanceof ClusterRedirectException || current instanceof java.io.IOException
					|| isA(current, UNAVAILABLE_TYPES)) {
				return true;
			}
			current = current.getCause();
		}
		return false;
	}

	/**
	 * Whether Redis Cluster refused a command because its keys are split between two nodes by a slot
	 * migration in progress ({@code TRYAGAIN}): nothing ran, and the same command succeeds moments later.
	 */
	public static boolean isTryAgain(@Nullable Throwable failure) {
		String reply = errorReply(failure);
		return reply != null && reply.startsWith("TRYAGAIN");
	}

	/** Whether the node does not have the script cached ({@code NOSCRIPT}): run it with {@code EVAL}. */
	public static boolean isNoScript(@Nullable Throwable failure) {
		String reply = errorReply(failure);
		return reply != null && reply.startsWith("NOSCRIPT");
	}

	/**
	 * The error reply Redis sent ({@code MOVED 3999 127.0.0.1:6381}, ...) behind a failure of Lettuce or
	 * Jedis, if there is one.
	 */
	public static @Nullable String errorReply(@Nullable Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; current != null && depth < 10; depth++) {
			if (isA(current, REPLY_TYPES)) {
				return String.valueOf(current.getMessage());
			}
			current = current.getCause();
		}
		return null;
	}

	/** The clients' exceptions for an error reply, by name, so neither client has to be present. */
	private static final Set<String> REPLY_TYPES = Set.of("io.lettuce.core.RedisCommandExecutionException",
			"redis.clients.jedis.exceptions.JedisDataException");

	private static final Set<String> UNAVAILABLE_TYPES = Set.of("io.lettuce.core.RedisCommandTimeoutException",
			"io.lettuce.core.RedisConnectionException", "io.lettuce.core.RedisException",
			"redis.clients.jedis.exceptions.JedisConnectionException",
			"redis.clients.jedis.exceptions.JedisClusterOperationException");

	private static boolean isA(Throwable failure, Set<String> typeNames) {
		for (Class<?> type = failure.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			if (typeNames.contains(type.getName())) {
				return true;
			}
		}
		return false;
	}

	private static boolean isTransient(String message) {
		return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("READONLY")
				|| message.startsWith("CLUSTERDOWN") || message.startsWith("TRYAGAIN")
				|| message.startsWith("MASTERDOWN") || message.startsWith("OOM") || message.startsWith("MOVED")
				|| message.startsWith("ASK") || message.startsWith("NOREPLICAS");
	}

	@Override
	public void destroy() {
		if (this.lettuce != null) {
			this.lettuce.close();
		}
	}

}
