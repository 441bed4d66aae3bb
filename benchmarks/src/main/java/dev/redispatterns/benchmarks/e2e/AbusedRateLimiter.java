package dev.redispatterns.benchmarks.e2e;

import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.ratelimit.RateLimiterSubject;
import dev.redispatterns.ratelimit.RateLimitExceededException;

/**
 * {@code @RateLimited(value = "abuse", key = "#key")} on a bean method of a Boot application, called far
 * above its limit: a refused call is the {@link RateLimitExceededException} the application would catch
 * or turn into a 429.
 */
public final class AbusedRateLimiter implements RateLimiterSubject {

	private final ConfigurableApplicationContext application;

	private final PublicPathService service;

	public AbusedRateLimiter(CellContext context, boolean localRejections) {
		this.application = PublicPathApplication.start(context,
				"redis.patterns.rate-limit.local-rejections.enabled=" + localRejections);
		this.service = this.application.getBean(PublicPathService.class);
	}

	@Override
	public void prepare(List<String> keys) {
		tryAcquire("bench:abuse:prepare");
	}

	@Override
	public boolean tryAcquire(String key) {
		try {
			return this.service.abused(key);
		}
		catch (RateLimitExceededException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		this.application.close();
	}

}
