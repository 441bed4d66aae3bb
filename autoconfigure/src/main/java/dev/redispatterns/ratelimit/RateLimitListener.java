package dev.redispatterns.ratelimit;

import java.time.Duration;
import java.util.List;

import dev.redispatterns.core.RedisUnavailableException;

/**
 * Observes the rate limiter, for metrics and logs. Called on the deciding thread (for asynchronous
 * decisions, a Redis I/O thread): implementations must be quick and must not block.
 */
public interface RateLimitListener {

	/** Does nothing. */
	RateLimitListener NONE = new RateLimitListener() {
	};

	/** One listener that forwards to all of {@code listeners}. */
	static RateLimitListener composite(List<? extends RateLimitListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		List<RateLimitListener> all = List.copyOf(listeners);
		return new RateLimitListener() {

			@Override
			public void onDecision(RateLimitDecision decision, long nanos) {
				for (RateLimitListener listener : all) {
					listener.onDecision(decision, nanos);
				}
			}

			@Override
			public void onDegraded(RedisUnavailableException cause) {
				all.forEach((listener) -> listener.onDegraded(cause));
			}

			@Override
			public void onRecovered(Duration degradedFor) {
				all.forEach((listener) -> listener.onRecovered(degradedFor));
			}

		};
	}

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
