package dev.redispatterns.autoconfigure.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Redis caches behind Spring's {@code @Cacheable}. Every setting has a default here and
 * can be overridden per cache name under {@code caches.<name>}.
 */
@ConfigurationProperties("redis.patterns.cache")
public class RedisPatternsCacheProperties {

	/**
	 * Whether the starter supplies the application's CacheManager (needs @EnableCaching).
	 */
	private boolean enabled = true;

	/**
	 * Prefix of the cache keys, in place of 'redis.patterns.key-prefix'. When not set,
	 * 'spring.cache.redis.key-prefix' applies if set. Trailing colons are dropped.
	 */
	private @Nullable String keyPrefix;

	/**
	 * Time to live of cache entries, for every cache without its own 'ttl'. When not set,
	 * 'spring.cache.redis.time-to-live' applies if set.
	 */
	private Duration defaultTtl = Duration.ofMinutes(10);

	/**
	 * Percentage (0-99) of the time to live taken off each entry at random, so entries written together do
	 * not expire together. Entries never live longer than the configured time to live.
	 */
	private int ttlJitter = 10;

	/**
	 * Whether null results are cached (for 'null-ttl'), so repeated lookups of missing data do not reach
	 * the database. When not set, 'spring.cache.redis.cache-null-values' applies if set.
	 */
	private boolean cacheNulls = true;

	/**
	 * Time to live of a cached null result.
	 */
	private Duration nullTtl = Duration.ofMinutes(1);

	/**
	 * How long past its time to live an entry may still be served while one caller recomputes it in the
	 * background. Zero switches stale-while-revalidate off.
	 */
	private Duration staleWhileRevalidate = Duration.ofSeconds(0);

	/**
	 * Longest wait for Redis on one cache operation. When it passes, or Redis is down, reads run the method
	 * and writes are skipped.
	 */
	private Duration timeout = Duration.ofMillis(250);

	/**
	 * Whether caches not listed under 'caches' are created on first use with the defaults. When false,
	 * using an unlisted cache name fails.
	 */
	private boolean dynamic = true;

	/**
	 * Whether cache values are stored encrypted (AES-GCM, bound to their entry key) with the keys of
	 * 'redis.patterns.codec.encryption'. Per cache with 'caches.<name>.encrypt'. Entries written in clear
	 * are misses in an encrypting cache.
	 */
	private boolean encrypt;

	/**
	 * Most background recomputations (refresh-ahead, stale-while-revalidate) running at once in this
	 * instance; while the pool is busy, further ones are skipped and entries keep their current value.
	 */
	private int refreshThreads = 4;

	private final RefreshAhead refreshAhead = new RefreshAhead();

	private final NearCache nearCache = new NearCache();

	private final Stampede stampede = new Stampede();

	/**
	 * Settings per cache name. Every setting left out falls back to the defaults above.
	 */
	private Map<String, CachePolicyProperties> caches = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	public int getTtlJitter() {
		return this.ttlJitter;
	}

	public void setTtlJitter(int ttlJitter) {
		this.ttlJitter = ttlJitter;
	}

	public boolean isEncrypt() {
		return this.encrypt;
	}

	public void setEncrypt(boolean encrypt) {
		this.encrypt = encrypt;
	}

	public boolean isCacheNulls() {
		return this.cacheNulls;
	}

	public void setCacheNulls(boolean cacheNulls) {
		this.cacheNulls = cacheNulls;
	}

	public Duration getNullTtl() {
		return this.nullTtl;
	}

	public void setNullTtl(Duration nullTtl) {
		this.nullTtl = nullTtl;
	}

	public Duration getStaleWhileRevalidate() {
		return this.staleWhileRevalidate;
	}

	public void setStaleWhileRevalidate(Duration staleWhileRevalidate) {
		this.staleWhileRevalidate = staleWhileRevalidate;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public boolean isDynamic() {
		return this.dynamic;
	}

	public void setDynamic(boolean dynamic) {
		this.dynamic = dynamic;
	}

	public int getRefreshThreads() {
		return this.refreshThreads;
	}

	public void setRefreshThreads(int refreshThreads) {
		this.refreshThreads = refreshThreads;
	}

	public RefreshAhead getRefreshAhead() {
		return this.refreshAhead;
	}

	public NearCache getNearCache() {
		return this.nearCache;
	}

	public Stampede getStampede() {
		return this.stampede;
	}

	public Map<String, CachePolicyProperties> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, CachePolicyProperties> caches) {
		this.caches = caches;
	}

	/**
	 * Probabilistic early recomputation of hot entries (XFetch).
	 */
	public static class RefreshAhead {

		/**
		 * Whether entries are recomputed in the background shortly before they expire, the likelier the
		 * closer the expiry and the longer the entry took to load, so hot keys never fall off a cliff.
		 */
		private boolean enabled;

		/**
		 * XFetch beta: values above 1 recompute earlier, below 1 later.
		 */
		private double beta = 1.0;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public double getBeta() {
			return this.beta;
		}

		public void setBeta(double beta) {
			this.beta = beta;
		}

	}

	/**
	 * In-process cache in front of Redis, kept coherent across instances by an invalidation channel.
	 */
	public static class NearCache {

		/**
		 * Whether a bounded in-process (Caffeine) cache answers repeated reads without asking Redis.
		 */
		private boolean enabled;

		/**
		 * Most entries held in the near cache of one cache name.
		 */
		private long maxSize = 10_000;

		/**
		 * Longest time a near-cache entry is served without asking Redis; bounds staleness should an
		 * invalidation message be lost.
		 */
		private Duration ttl = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(long maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	/**
	 * Single-flight loading of cold keys across instances.
	 */
	public static class Stampede {

		/**
		 * Whether a cold key asked for by many callers at once is loaded by one of them (in any instance)
		 * while the others wait for its value.
		 */
		private boolean enabled = true;

		/**
		 * Lifetime of the loading lease. The holder renews it while it loads, so this only bounds how long
		 * a crashed holder keeps others waiting.
		 */
		private Duration lockTimeout = Duration.ofSeconds(5);

		/**
		 * Longest a caller waits for another caller's load before running the method itself.
		 */
		private Duration maxWait = Duration.ofSeconds(10);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getLockTimeout() {
			return this.lockTimeout;
		}

		public void setLockTimeout(Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

	/**
	 * Settings of one cache name; anything left out comes from the defaults.
	 */
	public static class CachePolicyProperties {

		/**
		 * Time to live of this cache's entries.
		 */
		private @Nullable Duration ttl;

		/**
		 * Percentage (0-99) of the time to live taken off each entry at random.
		 */
		private @Nullable Integer ttlJitter;

		/**
		 * Whether null results are cached.
		 */
		private @Nullable Boolean cacheNulls;

		/**
		 * Time to live of a cached null result.
		 */
		private @Nullable Duration nullTtl;

		/**
		 * How long past its time to live an entry may be served while it is recomputed.
		 */
		private @Nullable Duration staleWhileRevalidate;

		/**
		 * Longest wait for Redis on one operation of this cache.
		 */
		private @Nullable Duration timeout;

		/**
		 * Whether this cache's values are stored encrypted.
		 */
		private @Nullable Boolean encrypt;

		private final CacheRefreshAhead refreshAhead = new CacheRefreshAhead();

		private final CacheNearCache nearCache = new CacheNearCache();

		private final CacheStampede stampede = new CacheStampede();

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Integer getTtlJitter() {
			return this.ttlJitter;
		}

		public void setTtlJitter(@Nullable Integer ttlJitter) {
			this.ttlJitter = ttlJitter;
		}

		public @Nullable Boolean getCacheNulls() {
			return this.cacheNulls;
		}

		public void setCacheNulls(@Nullable Boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
		}

		public @Nullable Duration getNullTtl() {
			return this.nullTtl;
		}

		public void setNullTtl(@Nullable Duration nullTtl) {
			this.nullTtl = nullTtl;
		}

		public @Nullable Duration getStaleWhileRevalidate() {
			return this.staleWhileRevalidate;
		}

		public void setStaleWhileRevalidate(@Nullable Duration staleWhileRevalidate) {
			this.staleWhileRevalidate = staleWhileRevalidate;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable Boolean getEncrypt() {
			return this.encrypt;
		}

		public void setEncrypt(@Nullable Boolean encrypt) {
			this.encrypt = encrypt;
		}

		public CacheRefreshAhead getRefreshAhead() {
			return this.refreshAhead;
		}

		public CacheNearCache getNearCache() {
			return this.nearCache;
		}

		public CacheStampede getStampede() {
			return this.stampede;
		}

	}

	/**
	 * Refresh-ahead of one cache name.
	 */
	public static class CacheRefreshAhead {

		/**
		 * Whether hot entries are recomputed in the background shortly before they expire.
		 */
		private @Nullable Boolean enabled;

		/**
		 * XFetch beta: values above 1 recompute earlier, below 1 later.
		 */
		private @Nullable Double beta;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Double getBeta() {
			return this.beta;
		}

		public void setBeta(@Nullable Double beta) {
			this.beta = beta;
		}

	}

	/**
	 * Near cache of one cache name.
	 */
	public static class CacheNearCache {

		/**
		 * Whether an in-process cache answers repeated reads without asking Redis.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Most entries held in the near cache.
		 */
		private @Nullable Long maxSize;

		/**
		 * Longest time a near-cache entry is served without asking Redis.
		 */
		private @Nullable Duration ttl;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(@Nullable Long maxSize) {
			this.maxSize = maxSize;
		}

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

	}

	/**
	 * Single-flight loading of one cache name.
	 */
	public static class CacheStampede {

		/**
		 * Whether a cold key is loaded by one caller across all instances while the others wait.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Lifetime of the loading lease (renewed while the holder loads).
		 */
		private @Nullable Duration lockTimeout;

		/**
		 * Longest a caller waits for another caller's load before running the method itself.
		 */
		private @Nullable Duration maxWait;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Duration getLockTimeout() {
			return this.lockTimeout;
		}

		public void setLockTimeout(@Nullable Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
		}

		public @Nullable Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(@Nullable Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

}
