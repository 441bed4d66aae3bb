package dev.redispatterns.benchmarks.ratelimit;

import java.util.List;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.StarterCore;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * This starter's {@link RedisRateLimiter} as an application gets it: on the shared connection of a Spring
 * Data Redis connection factory, one policy of the cell's algorithm (see {@link RateLimitPolicies}), no
 * metrics listener. One decision is {@code tryAcquire(policy, key, 1)}: one {@code EVALSHA}.
 */
public final class StarterRateLimiter implements RateLimiterSubject {

	private final StarterCore core;

	private final RedisRateLimiter limiter;

	public StarterRateLimiter(CellContext context, RateLimitAlgorithm algorithm) {
		this.core = new StarterCore(context);
		this.limiter = RedisRateLimiter.builder(this.core.connector())
			.executor(this.core.scripts())
			.keys(this.core.keys())
			.policy(RateLimitPolicies.of(algorithm))
			.build();
	}

	@Override
	public void prepare(List<String> keys) {
		// loads the script into Redis's script cache (NOSCRIPT, then EVAL) before the warm-up starts
		if (!tryAcquire("bench:rl:prepare")) {
			throw new IllegalStateException("first decision of " + this.limiter.policy(RateLimitPolicies.NAME)
					+ " was not allowed");
		}
	}

	@Override
	public boolean tryAcquire(String key) {
		return this.limiter.tryAcquire(RateLimitPolicies.NAME, key, 1).isAllowed();
	}

	@Override
	public void close() {
		this.core.close();
	}

}
