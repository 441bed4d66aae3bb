package dev.redispatterns.benchmarks.ratelimit;

import java.util.List;

/**
 * One rate limiter as the rate-limit workloads drive it: one decision for one permit on one key, under
 * the policy {@link RateLimitWorkload#LIMIT_PER_SECOND} per second.
 */
public interface RateLimiterSubject extends AutoCloseable {

	/** Called once before the warm-up with every key the workload will use (create or configure them). */
	default void prepare(List<String> keys) throws Exception {
	}

	/** Decides one request for one permit; {@code true} when allowed. */
	boolean tryAcquire(String key) throws Exception;

	@Override
	void close() throws Exception;

}
