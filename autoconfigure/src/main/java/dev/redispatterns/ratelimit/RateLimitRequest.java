package dev.redispatterns.ratelimit;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One limit to check in {@link RateLimiter#tryAcquireAll}: a policy, the bucket key within it, the permits
 * to take, optionally the policy's tier for this call and how long the caller may wait for the permits.
 *
 * @param policy the policy name
 * @param key the bucket within the policy
 * @param permits permits to take
 * @param tier the tier whose settings apply; {@code null} or unknown: the policy's own settings
 * @param maxWait longest wait for the permits; zero: now or never
 */
public record RateLimitRequest(String policy, String key, long permits, @Nullable String tier, Duration maxWait) {

	public RateLimitRequest {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1, was " + permits);
		}
		if (maxWait == null) {
			maxWait = Duration.ZERO;
		}
		if (maxWait.isNegative()) {
			throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
		}
	}

	/** A request decided now or never, with the policy's own settings. */
	public RateLimitRequest(String policy, String key, long permits) {
		this(policy, key, permits, null, Duration.ZERO);
	}

	/** This request with the settings of {@code tier}. */
	public RateLimitRequest withTier(@Nullable String tier) {
		return new RateLimitRequest(this.policy, this.key, this.permits, tier, this.maxWait);
	}

	/** This request waiting up to {@code maxWait} for its permits. */
	public RateLimitRequest withMaxWait(Duration maxWait) {
		return new RateLimitRequest(this.policy, this.key, this.permits, this.tier, maxWait);
	}

}
