package dev.redispatterns.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.SmartLifecycle;

import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.BackgroundWork;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.core.internal.StartPhase;

/**
 * Spring {@link CacheManager} whose caches live in Redis, each with its own {@link CachePolicy}. Caches
 * named in the configuration exist from the start; other names are created on first use with the
 * default policy, unless {@link Builder#dynamic(boolean) dynamic} creation is switched off.
 * <p>
 * Built without Spring as well, for example in a benchmark:
 * <pre>{@code
 * RedisConnector connector = new RedisConnector(lettuceConnectionFactory, Duration.ofSeconds(1));
 * RedisPatternsCacheManager manager = RedisPatternsCacheManager
 *     .builder(connector, new RedisSignals(connector, Duration.ofSeconds(30)), new RedisKeys("rp"),
 *             JsonValueCodec.forPackages("com.example"))
 *     .defaults(CachePolicy.builder().ttl(Duration.ofMinutes(5)).build())
 *     .cache("products", CachePolicy.builder().nearCache(true).build())
 *     .build();
 * manager.start();
 * Cache products = manager.getCache("products");
 * ...
 * manager.close();
 * }</pre>
 */
public final class RedisPatternsCacheManager implements CacheManager, SmartLifecycle, BackgroundWork, AutoCloseable {

	private final CacheRuntime runtime;

	private final CachePolicy defaults;

	private final Map<String, CachePolicy> policies;

	private final boolean dynamic;

	private final ConcurrentHashMap<String, RedisPatternsCache> caches = new ConcurrentHashMap<>();

	private final @Nullable ExecutorService ownedRefreshExecutor;

	private final boolean refreshes;

	private final RedisConnector connector;

	private final RedisSignals signals;

	private final long sweepMillis;

	/** With Lettuce: empties the near caches when a connection comes back up. */
	private volatile @Nullable AutoCloseable reconnects;

	/** Whether the background work began: it runs until {@link #close()}, whatever stops in between. */
	private volatile boolean started;

	private volatile boolean running;

	private volatile boolean closed;

	private RedisPatternsCacheManager(Builder builder) {
		this.defaults = builder.defaults;
		this.policies = Collections.unmodifiableMap(new LinkedHashMap<>(builder.policies));
		this.dynamic = builder.dynamic;
		boolean encrypted = (this.dynamic && this.defaults.encrypt())
				|| this.policies.values().stream().anyMatch(CachePolicy::encrypt);
		if (encrypted && builder.encryption == null) {
			throw new IllegalStateException("A cache encrypts its values but the manager has no encrypting codec");
		}
		boolean nearCaches = (this.dynamic && this.defaults.nearCache())
				|| this.policies.values().stream().anyMatch(CachePolicy::nearCache);
		if (nearCaches && !NearCache.isAvailable()) {
			throw new IllegalStateException(
					"A near cache is enabled but Caffeine (com.github.ben-manes.caffeine:caffeine) is not on the classpath");
		}
		this.refreshes = (this.dynamic && this.defaults.refreshes())
				|| this.policies.values().stream().anyMatch(CachePolicy::refreshes);
		Executor refreshExecutor = builder.refreshExecutor;
		RedisPatternsThreads threads = builder.connector.threads();
		if (refreshExecutor == null) {
			ThreadPoolExecutor pool = new ThreadPoolExecutor(builder.refreshThreads, builder.refreshThreads, 30,
					TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000), threads.factory("cache-refresh"));
			pool.allowCoreThreadTimeOut(true);
			this.ownedRefreshExecutor = pool;
			refreshExecutor = pool;
		}
		else {
			this.ownedRefreshExecutor = null;
		}
		ScheduledThreadPoolExecutor scheduler = threads.scheduler("cache");
		ScriptExecutor scripts = (builder.scripts != null) ? builder.scripts : new ScriptExecutor(builder.connector);
		this.runtime = new CacheRuntime(builder.connector, new CacheCommands(builder.connector, scripts), builder.keys,
				builder.codec, builder.signals, builder.listener, builder.ttlFunction, refreshExecutor,
				builder.asyncExecutor, scheduler, builder.observations, builder.encryption);
		this.connector = builder.connector;
		this.signals = builder.signals;
		this.sweepMillis = Math.max(100, shortestLockTimeout().toMillis() / 3);
		this.policies.keySet().forEach(this::getCache);
	}

	/**
	 * Begins the background work: renewing the leases of long loads, subscribing each cache to its channel
	 * and listening for reconnects. Creating the manager runs no Redis command and starts no thread; a
	 * Spring context calls this when it starts, code without Spring calls it once built. Until then the
	 * caches work, but waiting callers only poll and near caches stay empty.
	 */
	@Override
	public void start() {
		synchronized (this.caches) {
			this.running = true;
			if (this.started || this.closed) {
				return;
			}
			this.runtime.scheduler.scheduleWithFixedDelay(this::renewLeases, this.sweepMillis, this.sweepMillis,
					TimeUnit.MILLISECONDS);
			// lost invalidations: Lettuce tells when a connection came back, the listener container when it
			// subscribed again
			this.reconnects = this.connector.isNative() ? LettuceReconnects.listen(this.connector, this::reconnected)
					: this.signals.onResubscribed(this::reconnected);
			this.started = true;
		}
		this.caches.values().forEach(RedisPatternsCache::ensureSubscribed);
	}

	/**
	 * Nothing ends here: refreshes in flight still need their leases renewed while
	 * {@link #finish(Duration)} lets them store, and {@link #close()} ends the background work.
	 */
	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Just after the connection factory's phase: it starts once the factory has, before the web server. */
	@Override
	public int getPhase() {
		return StartPhase.after(this.connector.connectionFactory());
	}

	/**
	 * Starts building a manager on the starter's core objects.
	 * @param connector Redis access
	 * @param signals the pub/sub connection waiters and near caches listen on
	 * @param keys key naming ({@code prefix:cache:{name:key}})
	 * @param codec turns values into JSON and back, with its type allow-list
	 */
	public static Builder builder(RedisConnector connector, RedisSignals signals, RedisKeys keys, ValueCodec codec) {
		return new Builder(connector, signals, keys, codec);
	}

	@Override
	public @Nullable Cache getCache(String name) {
		RedisPatternsCache cache = this.caches.get(name);
		if (cache != null || this.closed) {
			return cache;
		}
		CachePolicy policy = this.policies.get(name);
		if (policy == null && !this.dynamic) {
			return null;
		}
		return this.caches.computeIfAbsent(name, (key) -> {
			RedisPatternsCache created = new RedisPatternsCache(key, (policy != null) ? policy : this.defaults,
					this.runtime);
			if (this.started) {
				created.ensureSubscribed();
			}
			return created;
		});
	}

	@Override
	public Collection<String> getCacheNames() {
		return Collections.unmodifiableSet(this.caches.keySet());
	}

	/** The policy of caches not configured by name. */
	public CachePolicy defaults() {
		return this.defaults;
	}

	/** Whether caches not configured by name are created on first use. */
	public boolean isDynamic() {
		return this.dynamic;
	}

	/** The policy a cache of this name has (or would get). */
	public CachePolicy policy(String name) {
		return this.policies.getOrDefault(name, this.defaults);
	}

	/** Whether any cache may recompute entries in the background (refresh-ahead or stale-while-revalidate). */
	public boolean refreshes() {
		return this.refreshes;
	}

	private Duration shortestLockTimeout() {
		Duration shortest = this.defaults.lockTimeout();
		for (CachePolicy policy : this.policies.values()) {
			if (policy.lockTimeout().compareTo(shortest) < 0) {
				shortest = policy.lockTimeout();
			}
		}
		return shortest;
	}

	private void renewLeases() {
		for (RedisPatternsCache cache : this.caches.values()) {
			cache.renewLeases();
		}
	}

	/**
	 * A connection of the client came (back) up: invalidations may have been lost while it was down, so
	 * near caches start empty, and are not filled for a second while subscriptions are re-established.
	 */
	private void reconnected() {
		this.runtime.pauseNearFills(TimeUnit.SECONDS.toNanos(1));
		for (RedisPatternsCache cache : this.caches.values()) {
			cache.clearNear();
		}
	}

	/** Lets the refreshes in flight on the manager's own refresh pool store their values; new ones are skipped. */
	@Override
	public void finish(Duration timeout) {
		ExecutorService pool = this.ownedRefreshExecutor;
		if (pool == null) {
			return;
		}
		pool.shutdown();
		try {
			if (!pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				pool.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			pool.shutdownNow();
		}
	}

	@Override
	public void close() {
		AutoCloseable reconnects;
		synchronized (this.caches) {
			this.closed = true;
			this.running = false;
			reconnects = this.reconnects;
		}
		if (reconnects != null) {
			try {
				reconnects.close();
			}
			catch (Exception ex) {
				// never thrown: removing the listener from a client already shut down is ignored
			}
		}
		this.caches.values().forEach(RedisPatternsCache::close);
		this.runtime.scheduler.shutdownNow();
		if (this.ownedRefreshExecutor != null) {
			this.ownedRefreshExecutor.shutdownNow();
		}
	}

	/**
	 * Builds a {@link RedisPatternsCacheManager}.
	 */
	public static final class Builder {

		private final RedisConnector connector;

		private final RedisSignals signals;

		private final RedisKeys keys;

		private final ValueCodec codec;

		private final Map<String, CachePolicy> policies = new LinkedHashMap<>();

		private CachePolicy defaults = CachePolicy.defaults();

		private boolean dynamic = true;

		private @Nullable ScriptExecutor scripts;

		private @Nullable CacheTtlFunction ttlFunction;

		private CacheListener listener = CacheListener.NONE;

		private int refreshThreads = 4;

		private @Nullable Executor refreshExecutor;

		private Executor asyncExecutor = ForkJoinPool.commonPool();

		private PatternObservations observations = PatternObservations.NONE;

		private @Nullable EncryptingValueCodec encryption;

		private Builder(RedisConnector connector, RedisSignals signals, RedisKeys keys, ValueCodec codec) {
			this.connector = Objects.requireNonNull(connector, "connector");
			this.signals = Objects.requireNonNull(signals, "signals");
			this.keys = Objects.requireNonNull(keys, "keys");
			this.codec = Objects.requireNonNull(codec, "codec");
		}

		/** Policy of caches not configured by name (default {@link CachePolicy#defaults()}). */
		public Builder defaults(CachePolicy defaults) {
			this.defaults = Objects.requireNonNull(defaults, "defaults");
			return this;
		}

		/** Configures (and creates at start) the cache {@code name}. */
		public Builder cache(String name, CachePolicy policy) {
			this.policies.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(policy, "policy"));
			return this;
		}

		/**
		 * Whether caches not configured by name are created on first use with the default policy (default
		 * true); when false, {@code getCache} returns {@code null} for them.
		 */
		public Builder dynamic(boolean dynamic) {
			this.dynamic = dynamic;
			return this;
		}

		/** Script runner to share (default: a new one on the connector). */
		public Builder scriptExecutor(ScriptExecutor scripts) {
			this.scripts = scripts;
			return this;
		}

		/** Per-entry time to live (default none: the policy's {@code ttl} and {@code nullTtl}). */
		public Builder ttlFunction(@Nullable CacheTtlFunction ttlFunction) {
			this.ttlFunction = ttlFunction;
			return this;
		}

		/** Receives what the caches do, e.g. for metrics (default none). */
		public Builder listener(CacheListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/** Size of the bounded pool that runs background refreshes (default 4). */
		public Builder refreshThreads(int refreshThreads) {
			if (refreshThreads < 1) {
				throw new IllegalArgumentException("refreshThreads must be at least 1, was " + refreshThreads);
			}
			this.refreshThreads = refreshThreads;
			return this;
		}

		/**
		 * Runs background refreshes instead of the built-in bounded pool; it should be bounded and reject
		 * work when full (a rejected refresh is skipped). Not shut down by the manager.
		 */
		public Builder refreshExecutor(Executor refreshExecutor) {
			this.refreshExecutor = refreshExecutor;
			return this;
		}

		/**
		 * Completes the futures returned by {@code retrieve}, so the application's continuations never
		 * run on Redis I/O threads (default the common fork-join pool).
		 */
		public Builder asyncExecutor(Executor asyncExecutor) {
			this.asyncExecutor = Objects.requireNonNull(asyncExecutor, "asyncExecutor");
			return this;
		}

		/** Where loads are observed (for traces); by default nowhere, at no cost. */
		public Builder observations(PatternObservations observations) {
			this.observations = Objects.requireNonNull(observations, "observations");
			return this;
		}

		/**
		 * Encrypts the values of caches whose policy says {@code encrypt}, and lets every cache read
		 * encrypted entries (default none: no cache may encrypt).
		 */
		public Builder encryption(@Nullable EncryptingValueCodec encryption) {
			this.encryption = encryption;
			return this;
		}

		public RedisPatternsCacheManager build() {
			return new RedisPatternsCacheManager(this);
		}

	}

}
