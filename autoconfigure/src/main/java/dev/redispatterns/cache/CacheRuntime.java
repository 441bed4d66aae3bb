package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;

/**
 * What every cache of one manager shares: the Redis access, the codec, the listener, the executors and
 * this instance's identity on the caches' channels.
 */
final class CacheRuntime {

	private static final Log logger = LogFactory.getLog(RedisPatternsCache.class);

	private static final long OUTAGE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

	/** Netty comes with Lettuce; an application on another client may not have it. */
	private static final @Nullable Class<?> NETTY_THREAD = classOrNull("io.netty.util.concurrent.FastThreadLocalThread");

	private static final @Nullable Class<?> REACTOR_NON_BLOCKING = classOrNull("reactor.core.scheduler.NonBlocking");

	final RedisConnector connector;

	final CacheCommands commands;

	final RedisKeys keys;

	final ValueCodec codec;

	/** Encrypts the entries of caches with {@code encrypt}; {@code null} when no keys are configured. */
	final @Nullable EncryptingValueCodec encryption;

	final RedisSignals signals;

	final CacheListener listener;

	final @Nullable CacheTtlFunction ttlFunction;

	final Executor refreshExecutor;

	final Executor asyncExecutor;

	final ScheduledExecutorService scheduler;

	final PatternObservations observations;

	/** Identifies this instance in messages and lease tokens. */
	final long origin = ThreadLocalRandom.current().nextLong();

	private final String tokenPrefix = Long.toHexString(this.origin) + ":";

	private final AtomicLong tokens = new AtomicLong();

	private final AtomicLong lastOutageLog = new AtomicLong(System.nanoTime() - OUTAGE_LOG_INTERVAL_NANOS);

	/** Near caches are not filled before this time (a reconnect may have lost invalidations). */
	private volatile long nearPausedUntilNanos = System.nanoTime();

	CacheRuntime(RedisConnector connector, CacheCommands commands, RedisKeys keys, ValueCodec codec, RedisSignals signals,
			CacheListener listener, @Nullable CacheTtlFunction ttlFunction, Executor refreshExecutor,
			Executor asyncExecutor, ScheduledExecutorService scheduler, PatternObservations observations,
			@Nullable EncryptingValueCodec encryption) {
		this.connector = connector;
		this.commands = commands;
		this.keys = keys;
		this.codec = codec;
		this.signals = signals;
		this.listener = listener;
		this.ttlFunction = ttlFunction;
		this.refreshExecutor = refreshExecutor;
		this.asyncExecutor = asyncExecutor;
		this.scheduler = scheduler;
		this.observations = observations;
		this.encryption = encryption;
	}

	byte[] newToken() {
		return (this.tokenPrefix + this.tokens.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
	}

	boolean nearFillAllowed() {
		return System.nanoTime() - this.nearPausedUntilNanos >= 0;
	}

	void pauseNearFills(long nanos) {
		this.nearPausedUntilNanos = System.nanoTime() + nanos;
	}

	/** A future completed with {@code null} after {@code nanos}. */
	<T> CompletableFuture<@Nullable T> delay(long nanos) {
		CompletableFuture<@Nullable T> timer = new CompletableFuture<>();
		this.scheduler.schedule(() -> timer.complete(null), nanos, TimeUnit.NANOSECONDS);
		return timer;
	}

	/**
	 * Logs that Redis could not be reached, at most every 30 seconds at WARN level (an outage must not
	 * flood the log), otherwise at DEBUG.
	 */
	void logOutage(String cache, CacheListener.Operation operation, @Nullable Throwable cause) {
		long now = System.nanoTime();
		long last = this.lastOutageLog.get();
		String message = "Cache '" + cache + "': Redis unavailable on " + operation.name().toLowerCase()
				+ "; reads fall back to the method and writes are skipped until it is back"
				+ ((cause != null) ? " (" + cause.getMessage() + ")" : "");
		if (now - last >= OUTAGE_LOG_INTERVAL_NANOS && this.lastOutageLog.compareAndSet(last, now)) {
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	/**
	 * Whether the current thread must not block: a Netty event loop (Lettuce's I/O threads) or a
	 * Reactor non-blocking scheduler. Writes issued there are sent without waiting for the reply.
	 */
	static boolean onNonBlockingThread() {
		Thread thread = Thread.currentThread();
		return (NETTY_THREAD != null && NETTY_THREAD.isInstance(thread))
				|| (REACTOR_NON_BLOCKING != null && REACTOR_NON_BLOCKING.isInstance(thread));
	}

	private static @Nullable Class<?> classOrNull(String name) {
		try {
			return Class.forName(name, false, CacheRuntime.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

}
