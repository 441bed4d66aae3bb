package dev.redispatterns.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything one cache name is configured with, resolved once and never changed: time to live and its
 * jitter, null caching, refresh-ahead, the near cache, stampede protection, the Redis timeout and encryption. Build
 * one with {@link #builder()} (defaults as documented on each method) or derive one with
 * {@link #toBuilder()}.
 */
public final class CachePolicy {

	private static final CachePolicy DEFAULTS = new Builder().build();

	private final Duration ttl;

	private final int ttlJitterPercent;

	private final boolean cacheNulls;

	private final Duration nullTtl;

	private final boolean refreshAhead;

	private final double refreshAheadBeta;

	private final Duration staleWhileRevalidate;

	private final boolean nearCache;

	private final long nearCacheMaxSize;

	private final Duration nearCacheTtl;

	private final boolean stampedeProtection;

	private final Duration lockTimeout;

	private final Duration maxWait;

	private final Duration timeout;

	private final boolean encrypt;

	private CachePolicy(Builder builder) {
		this.ttl = builder.ttl;
		this.ttlJitterPercent = builder.ttlJitterPercent;
		this.cacheNulls = builder.cacheNulls;
		this.nullTtl = builder.nullTtl;
		this.refreshAhead = builder.refreshAhead;
		this.refreshAheadBeta = builder.refreshAheadBeta;
		this.staleWhileRevalidate = builder.staleWhileRevalidate;
		this.nearCache = builder.nearCache;
		this.nearCacheMaxSize = builder.nearCacheMaxSize;
		this.nearCacheTtl = builder.nearCacheTtl;
		this.stampedeProtection = builder.stampedeProtection;
		this.lockTimeout = builder.lockTimeout;
		this.maxWait = builder.maxWait;
		this.timeout = builder.timeout;
		this.encrypt = builder.encrypt;
	}

	/** The documented defaults. */
	public static CachePolicy defaults() {
		return DEFAULTS;
	}

	public static Builder builder() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder(this);
	}

	public Duration ttl() {
		return this.ttl;
	}

	public int ttlJitterPercent() {
		return this.ttlJitterPercent;
	}

	public boolean cacheNulls() {
		return this.cacheNulls;
	}

	public Duration nullTtl() {
		return this.nullTtl;
	}

	public boolean refreshAhead() {
		return this.refreshAhead;
	}

	public double refreshAheadBeta() {
		return this.refreshAheadBeta;
	}

	public Duration staleWhileRevalidate() {
		return this.staleWhileRevalidate;
	}

	public boolean nearCache() {
		return this.nearCache;
	}

	public long nearCacheMaxSize() {
		return this.nearCacheMaxSize;
	}

	public Duration nearCacheTtl() {
		return this.nearCacheTtl;
	}

	public boolean stampedeProtection() {
		return this.stampedeProtection;
	}

	public Duration lockTimeout() {
		return this.lockTimeout;
	}

	public Duration maxWait() {
		return this.maxWait;
	}

	public Duration timeout() {
		return this.timeout;
	}

	/** Whether values are stored encrypted (AES-GCM, bound to their entry key). */
	public boolean encrypt() {
		return this.encrypt;
	}

	/** Whether entries may be recomputed in the background (refresh-ahead or stale-while-revalidate). */
	public boolean refreshes() {
		return this.refreshAhead || !this.staleWhileRevalidate.isZero();
	}

	@Override
	public String toString() {
		return "CachePolicy[ttl=" + this.ttl + ", ttlJitterPercent=" + this.ttlJitterPercent + ", cacheNulls="
				+ this.cacheNulls + ", nullTtl=" + this.nullTtl + ", refreshAhead=" + this.refreshAhead + ", beta="
				+ this.refreshAheadBeta + ", staleWhileRevalidate=" + this.staleWhileRevalidate + ", nearCache="
				+ this.nearCache + ", nearCacheMaxSize=" + this.nearCacheMaxSize + ", nearCacheTtl=" + this.nearCacheTtl
				+ ", stampedeProtection=" + this.stampedeProtection + ", lockTimeout=" + this.lockTimeout + ", maxWait="
				+ this.maxWait + ", timeout=" + this.timeout + ", encrypt=" + this.encrypt + "]";
	}

	/**
	 * Builds a {@link CachePolicy}; {@link #build()} rejects values that make no sense with an
	 * {@link IllegalArgumentException} naming the setting.
	 */
	public static final class Builder {

		private Duration ttl = Duration.ofMinutes(10);

		private int ttlJitterPercent = 10;

		private boolean cacheNulls = true;

		private Duration nullTtl = Duration.ofMinutes(1);

		private boolean refreshAhead;

		private double refreshAheadBeta = 1.0;

		private Duration staleWhileRevalidate = Duration.ZERO;

		private boolean nearCache;

		private long nearCacheMaxSize = 10_000;

		private Duration nearCacheTtl = Duration.ofSeconds(30);

		private boolean stampedeProtection = true;

		private Duration lockTimeout = Duration.ofSeconds(5);

		private Duration maxWait = Duration.ofSeconds(10);

		private Duration timeout = Duration.ofMillis(250);

		private boolean encrypt;

		private Builder() {
		}

		private Builder(CachePolicy policy) {
			this.ttl = policy.ttl;
			this.ttlJitterPercent = policy.ttlJitterPercent;
			this.cacheNulls = policy.cacheNulls;
			this.nullTtl = policy.nullTtl;
			this.refreshAhead = policy.refreshAhead;
			this.refreshAheadBeta = policy.refreshAheadBeta;
			this.staleWhileRevalidate = policy.staleWhileRevalidate;
			this.nearCache = policy.nearCache;
			this.nearCacheMaxSize = policy.nearCacheMaxSize;
			this.nearCacheTtl = policy.nearCacheTtl;
			this.stampedeProtection = policy.stampedeProtection;
			this.lockTimeout = policy.lockTimeout;
			this.maxWait = policy.maxWait;
			this.timeout = policy.timeout;
			this.encrypt = policy.encrypt;
		}

		/** Time to live of an entry (default 10 minutes). */
		public Builder ttl(Duration ttl) {
			this.ttl = Objects.requireNonNull(ttl, "ttl");
			return this;
		}

		/**
		 * Up to this percentage is taken off each entry's time to live, chosen at random per write, so
		 * entries written together do not expire together (default 10, range 0-99).
		 */
		public Builder ttlJitterPercent(int ttlJitterPercent) {
			this.ttlJitterPercent = ttlJitterPercent;
			return this;
		}

		/** Whether {@code null} results are cached, with {@link #nullTtl(Duration)} (default true). */
		public Builder cacheNulls(boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
			return this;
		}

		/** Time to live of a cached {@code null} (default 1 minute). */
		public Builder nullTtl(Duration nullTtl) {
			this.nullTtl = Objects.requireNonNull(nullTtl, "nullTtl");
			return this;
		}

		/** Whether hot entries are recomputed early, in the background (XFetch; default false). */
		public Builder refreshAhead(boolean refreshAhead) {
			this.refreshAhead = refreshAhead;
			return this;
		}

		/** XFetch beta: larger values recompute earlier (default 1.0). */
		public Builder refreshAheadBeta(double refreshAheadBeta) {
			this.refreshAheadBeta = refreshAheadBeta;
			return this;
		}

		/**
		 * How long after its time to live an entry may still be served while one caller recomputes it in
		 * the background (default zero: off).
		 */
		public Builder staleWhileRevalidate(Duration staleWhileRevalidate) {
			this.staleWhileRevalidate = Objects.requireNonNull(staleWhileRevalidate, "staleWhileRevalidate");
			return this;
		}

		/** Whether an in-process near cache sits in front of Redis (default false; needs Caffeine). */
		public Builder nearCache(boolean nearCache) {
			this.nearCache = nearCache;
			return this;
		}

		/** Most entries the near cache holds (default 10,000). */
		public Builder nearCacheMaxSize(long nearCacheMaxSize) {
			this.nearCacheMaxSize = nearCacheMaxSize;
			return this;
		}

		/** Longest time a near-cache entry is served without asking Redis (default 30 seconds). */
		public Builder nearCacheTtl(Duration nearCacheTtl) {
			this.nearCacheTtl = Objects.requireNonNull(nearCacheTtl, "nearCacheTtl");
			return this;
		}

		/** Whether a cold key is loaded by one caller across all instances (default true). */
		public Builder stampedeProtection(boolean stampedeProtection) {
			this.stampedeProtection = stampedeProtection;
			return this;
		}

		/**
		 * Lifetime of a loading lease. The holder renews it while it loads, so this only bounds how long a
		 * crashed holder blocks the key (default 5 seconds).
		 */
		public Builder lockTimeout(Duration lockTimeout) {
			this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
			return this;
		}

		/** Longest a caller waits for another caller's load before loading itself (default 10 seconds). */
		public Builder maxWait(Duration maxWait) {
			this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
			return this;
		}

		/** Longest wait for one Redis operation before the cache falls back to the method (default 250 ms). */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout, "timeout");
			return this;
		}

		/**
		 * Whether values are stored encrypted, bound to their entry key (default false; the manager then needs
		 * an {@link dev.redispatterns.core.EncryptingValueCodec}). Entries written unencrypted read as misses.
		 */
		public Builder encrypt(boolean encrypt) {
			this.encrypt = encrypt;
			return this;
		}

		public CachePolicy build() {
			requirePositive("ttl", this.ttl);
			if (this.ttlJitterPercent < 0 || this.ttlJitterPercent > 99) {
				throw new IllegalArgumentException("ttlJitterPercent must be between 0 and 99, was " + this.ttlJitterPercent);
			}
			requirePositive("nullTtl", this.nullTtl);
			if (!(this.refreshAheadBeta > 0) || Double.isInfinite(this.refreshAheadBeta)) {
				throw new IllegalArgumentException("refreshAheadBeta must be a positive number, was " + this.refreshAheadBeta);
			}
			if (this.staleWhileRevalidate.isNegative()) {
				throw new IllegalArgumentException("staleWhileRevalidate must not be negative");
			}
			if (this.nearCacheMaxSize <= 0) {
				throw new IllegalArgumentException("nearCacheMaxSize must be positive, was " + this.nearCacheMaxSize);
			}
			requirePositive("nearCacheTtl", this.nearCacheTtl);
			requirePositive("lockTimeout", this.lockTimeout);
			if (this.maxWait.isNegative()) {
				throw new IllegalArgumentException("maxWait must not be negative");
			}
			requirePositive("timeout", this.timeout);
			return new CachePolicy(this);
		}

		private static void requirePositive(String name, Duration value) {
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, was " + value);
			}
			if (value.toMillis() < 1) {
				throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
			}
		}

	}

}
