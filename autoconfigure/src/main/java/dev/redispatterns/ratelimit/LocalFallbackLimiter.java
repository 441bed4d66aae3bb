package dev.redispatterns.ratelimit;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory limiter that decides while Redis is unreachable, for policies that ask for it. Each
 * instance grants its share of the limit ({@code limit / instances}) as a token bucket refilled at the
 * same share of the policy's rate. The JVM's monotonic clock is used here and only here: the fallback is
 * per instance by definition. The number of buckets is bounded.
 */
final class LocalFallbackLimiter {

	private final int instances;

	private final int maxKeys;

	private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

	LocalFallbackLimiter(int instances, int maxKeys) {
		if (instances < 1) {
			throw new IllegalArgumentException("instances must be at least 1, was " + instances);
		}
		if (maxKeys < 1) {
			throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
		}
		this.instances = instances;
		this.maxKeys = maxKeys;
	}

	RateLimitDecision decide(RateLimitPolicy policy, String key, long permits, Throwable failure) {
		String id = policy.name() + '\u0000' + key;
		Bucket bucket = this.buckets.get(id);
		if (bucket == null) {
			if (this.buckets.size() >= this.maxKeys) {
				evict();
			}
			bucket = this.buckets.computeIfAbsent(id, (ignored) -> new Bucket(share(policy.limit()),
					policy.refillRate() / this.instances));
		}
		return bucket.take(policy, permits, failure);
	}

	/** Forgets every bucket, for example once Redis answers again. */
	void clear() {
		this.buckets.clear();
	}

	int size() {
		return this.buckets.size();
	}

	private long share(long limit) {
		return Math.max(1, (limit + this.instances - 1) / this.instances);
	}

	/** Drops full buckets (they hold no information); if that is not enough, everything. */
	private void evict() {
		long now = System.nanoTime();
		this.buckets.values().removeIf((bucket) -> bucket.isFull(now));
		if (this.buckets.size() >= this.maxKeys) {
			this.buckets.clear();
		}
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

		synchronized boolean isFull(long now) {
			return this.tokens + (now - this.last) * this.ratePerNano >= this.capacity;
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
