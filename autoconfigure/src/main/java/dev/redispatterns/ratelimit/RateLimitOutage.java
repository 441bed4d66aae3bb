package dev.redispatterns.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.redispatterns.core.RedisUnavailableException;

/**
 * Whether Redis answers rate-limit decisions, for how long it has not, and the decisions taken meanwhile:
 * the policy's local fallback limiter, or fail-open / fail-closed.
 */
final class RateLimitOutage {

	/** Logged under the limiter's name, which applications configure. */
	private static final Log logger = LogFactory.getLog(RedisRateLimiter.class);

	private static final long HEALTHY = Long.MIN_VALUE;

	private final RateLimitListener listener;

	private final LocalFallbackLimiter fallback;

	private final AtomicLong degradedSince = new AtomicLong(HEALTHY);

	private final AtomicLong degradedNanos = new AtomicLong();

	RateLimitOutage(RateLimitListener listener, LocalFallbackLimiter fallback) {
		this.listener = listener;
		this.fallback = fallback;
	}

	/** Total time spent unable to reach Redis, including an outage still going on. */
	Duration degradedTime() {
		long since = this.degradedSince.get();
		long total = this.degradedNanos.get();
		if (since != HEALTHY) {
			total += Math.max(0, System.nanoTime() - since);
		}
		return Duration.ofNanos(total);
	}

	boolean isDegraded() {
		return this.degradedSince.get() != HEALTHY;
	}

	/** The decision taken without Redis; the first one of an outage is logged and reported. */
	RateLimitDecision degraded(CompiledPolicy compiled, String key, long permits, RedisUnavailableException cause) {
		long now = System.nanoTime();
		if (this.degradedSince.compareAndSet(HEALTHY, now)) {
			logger.warn("Redis is unreachable for rate limiting; decisions follow fail-open or the local fallback: "
					+ cause.getMessage());
			this.listener.onDegraded(cause);
		}
		RateLimitPolicy policy = compiled.policy;
		if (policy.localFallback()) {
			return this.fallback.decide(policy, key, permits, cause);
		}
		boolean open = policy.failOpen();
		return new RateLimitDecision(policy, open ? RateLimitOutcome.ERROR_OPEN : RateLimitOutcome.ERROR_CLOSED, permits,
				RateLimitDecision.UNKNOWN, 0, open ? 0 : -1, null, null, cause);
	}

	/** Redis answered: ends an outage, if one was going on, and drops the fallback's buckets. */
	void recovered() {
		long since = this.degradedSince.get();
		if (since != HEALTHY && this.degradedSince.compareAndSet(since, HEALTHY)) {
			long duration = Math.max(0, System.nanoTime() - since);
			this.degradedNanos.addAndGet(duration);
			this.fallback.clear();
			logger.info("Redis answers rate-limit decisions again after " + Duration.ofNanos(duration).toMillis() + " ms");
			this.listener.onRecovered(Duration.ofNanos(duration));
		}
	}

}
