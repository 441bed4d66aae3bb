package dev.redispatterns.ratelimit;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Settings of a policy changed at run time through {@link RateLimitOverrides}: only the ones named here
 * change, the others keep their configured value. {@code limit} is the capacity of a token bucket;
 * {@code window} applies to the window algorithms and GCRA, {@code refillRate} to the token bucket.
 *
 * @param limit permits per window (token bucket: capacity), or {@code null} to keep it
 * @param window window of the limit, or {@code null} to keep it
 * @param refillRate tokens per second of a token bucket, or {@code null} to keep it
 * @param expiresAfter how long the override lasts from when it is set, or {@code null} until cleared
 */
public record RateLimitOverride(@Nullable Long limit, @Nullable Duration window, @Nullable Double refillRate,
		@Nullable Duration expiresAfter) {

	public RateLimitOverride {
		if (limit != null && limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, was " + limit);
		}
		if (window != null && window.toMillis() < 1) {
			throw new IllegalArgumentException("window must be at least 1ms, was " + window);
		}
		if (refillRate != null && (!(refillRate > 0) || refillRate.isInfinite())) {
			throw new IllegalArgumentException("refill rate must be positive, was " + refillRate);
		}
		if (expiresAfter != null && expiresAfter.toMillis() < 1) {
			throw new IllegalArgumentException("expiry must be at least 1ms, was " + expiresAfter);
		}
		if (limit == null && window == null && refillRate == null) {
			throw new IllegalArgumentException("an override needs a limit (capacity), a window or a refill rate");
		}
	}

	/** An override of the limit (token bucket: the capacity). */
	public static RateLimitOverride limit(long limit) {
		return new RateLimitOverride(limit, null, null, null);
	}

	/** An override of the token bucket's refill rate, in tokens per second. */
	public static RateLimitOverride refillRate(double refillRate) {
		return new RateLimitOverride(null, null, refillRate, null);
	}

	/** This override with the window changed as well. */
	public RateLimitOverride withWindow(Duration window) {
		return new RateLimitOverride(this.limit, window, this.refillRate, this.expiresAfter);
	}

	/** This override with the refill rate changed as well. */
	public RateLimitOverride withRefillRate(double refillRate) {
		return new RateLimitOverride(this.limit, this.window, refillRate, this.expiresAfter);
	}

	/** This override lasting {@code expiresAfter} from when it is set. */
	public RateLimitOverride expiringAfter(Duration expiresAfter) {
		return new RateLimitOverride(this.limit, this.window, this.refillRate, expiresAfter);
	}

}
