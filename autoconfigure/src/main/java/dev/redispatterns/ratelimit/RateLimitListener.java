package dev.redispatterns.ratelimit;

import java.time.Duration;

import dev.redispatterns.core.RedisUnavailableException;

/**
 * Observes the rate limiter, for metrics and logs. Called on the deciding thread (for asynchronous
 * decisions, a Redis I/O thread): implementations must be quick and must not block.
 */
public interface RateLimitListener {

	/** Does nothing. */
	RateLimitListener NONE = new RateLimitListener() {
	};

	/** A decision was made, taking {@code nanos} including the Redis round trip. */
	default void onDecision(RateLimitDecision decision, long nanos) {
	}

	/** Redis became unreachable for the limiter: decisions follow fail-open or the local fallback now. */
	default void onDegraded(RedisUnavailableException cause) {
	}

	/** Redis answers again after {@code degradedFor}. */
	default void onRecovered(Duration degradedFor) {
	}

}
