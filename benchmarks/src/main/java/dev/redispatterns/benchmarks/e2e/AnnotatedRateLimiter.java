package dev.redispatterns.benchmarks.e2e;

import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.ratelimit.RateLimiterSubject;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;

/**
 * {@code @RateLimited(value = policy, key = "#key")} on a bean method of a Boot application: one decision
 * is one call of the method (refused calls would throw and count as errors; the policy is never reached).
 */
public final class AnnotatedRateLimiter implements RateLimiterSubject {

	private final ConfigurableApplicationContext application;

	private final PublicPathService service;

	private final boolean tokenBucket;

	public AnnotatedRateLimiter(CellContext context, RateLimitAlgorithm algorithm) {
		this(context, algorithm, false);
	}

	/**
	 * @param jedis whether the application runs on Jedis (the starter in portable mode) rather than Lettuce
	 */
	public AnnotatedRateLimiter(CellContext context, RateLimitAlgorithm algorithm, boolean jedis) {
		if (algorithm != RateLimitAlgorithm.TOKEN_BUCKET && algorithm != RateLimitAlgorithm.SLIDING_WINDOW) {
			throw new IllegalArgumentException("no annotated method for " + algorithm);
		}
		this.tokenBucket = algorithm == RateLimitAlgorithm.TOKEN_BUCKET;
		this.application = jedis ? PublicPathApplication.startOnJedis(context) : PublicPathApplication.start(context);
		this.service = this.application.getBean(PublicPathService.class);
	}

	@Override
	public void prepare(List<String> keys) {
		// loads the script into Redis's script cache before the warm-up starts
		tryAcquire("bench:rl:prepare");
	}

	@Override
	public boolean tryAcquire(String key) {
		return this.tokenBucket ? this.service.tokenBucket(key) : this.service.slidingWindow(key);
	}

	@Override
	public void close() {
		this.application.close();
	}

}
