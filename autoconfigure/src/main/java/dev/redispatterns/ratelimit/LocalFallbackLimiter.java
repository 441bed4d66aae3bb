package dev.redispatterns.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-memory limiter that decides while Redis is unreachable, for policies that ask for it. Each
 * instance grants its share of the limit ({@code limit / instances}) as a token bucket refilled at the
 * same share of the policy's rate. The JVM's monotonic clock is used here and only here: the fallback is
 * per instance by definition. The number of buckets is bounded: past {@code maxKeys} the bucket used least
 * recently goes, so a flood of new keys (user names, rotated addresses) cannot reset the buckets of clients
 * that are still being limited.
 */
final class LocalFallbackLimiter {

	private final int instances;

	private final int maxKeys;

	/** In access order; guarded by itself (decisions here are rare: only while Redis is unreachable). */
	private final LinkedHashMap<String, Bucket> buckets;

	LocalFallbackLimiter(int instances, int maxKeys) {
		if (instances < 1) {
			throw new IllegalArgumentException("instances must be at least 1, was " + instances);
		}
		if (maxKeys < 1) {
			throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
		}
		this.instances = instances;
		this.maxKeys = maxKeys;
		this.buckets = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
				return size() > LocalFallbackLimiter.this.maxKeys;
			}

		};
	}

	RateLimitDecision decide(RateLimitPolicy policy, String key, long permits, Throwable failure) {
		String id = policy.name() + '\u0000' + key;
		Bucket bucket;
		synchronized (this.buckets) {
			bucket = this.buckets.computeIfAbsent(id,
					(ignored) -> new Bucket(share(policy.limit()), policy.refillRate() / this.instances));
		}
		return bucket.take(policy, permits, failure);
	}

	/** Forgets every bucket, for example once Redis answers again. */
	void clear() {
		synchronized (this.buckets) {
			this.buckets.clear();
		}
	}

	int size() {
		synchronized (this.buckets) {
			return this.buckets.size();
		}
	}

	private long share(long limit) {
		return Math.max(1, (limit + this.instances - 1) / this.instances);
	}

	private static final class Bucket {

		private final long capacity;

		private final double ratePerNano;

		private double tokens;

		private long last;

		Bucket(long capacity, double ratePerSecond) {
			this.capacity = capacity;
			this.ratePerNano = ratePerSecond / 1e9;
			this.tokens = capacity;
			this.last = System.nanoTime();
		}

		synchronized RateLimitDecision take(RateLimitPolicy policy, long permits, Throwable failure) {
			long now = System.nanoTime();
			this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.ratePerNano);
			this.last = now;
			boolean allowed = this.tokens + 1e-9 >= permits;
			if (allowed) {
				this.tokens = Math.max(0, this.tokens - permits);
			}
			long reset = millis(this.capacity - this.tokens);
			long retry = allowed ? 0 : (permits > this.capacity) ? -1 : Math.max(1, millis(permits - this.tokens));
			return new RateLimitDecision(policy, allowed ? RateLimitOutcome.FALLBACK_ALLOWED
					: RateLimitOutcome.FALLBACK_REJECTED, permits, (long) Math.floor(this.tokens + 1e-9), reset, retry,
					null, null, failure);
		}

		private long millis(double missingTokens) {
			return (long) Math.ceil(missingTokens / this.ratePerNano / 1e6);
		}

	}

}
