package dev.redispatterns.ratelimit;

/**
 * One limit to check in {@link RateLimiter#tryAcquireAll}: a policy, the bucket key within it, and the
 * permits to take.
 */
public record RateLimitRequest(String policy, String key, long permits) {

	public RateLimitRequest {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1, was " + permits);
		}
	}

}
