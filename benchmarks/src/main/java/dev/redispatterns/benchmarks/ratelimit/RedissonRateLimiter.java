package dev.redispatterns.benchmarks.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/** Redisson's {@code RRateLimiter} with an overall rate, configured once per key before the warm-up. */
public final class RedissonRateLimiter implements RateLimiterSubject {

	private final RedissonClient redisson;

	private final Map<String, RRateLimiter> limiters = new ConcurrentHashMap<>();

	public RedissonRateLimiter(CellContext context) {
		this.redisson = Clients.redisson(context);
	}

	@Override
	public void prepare(List<String> keys) {
		for (String key : keys) {
			RRateLimiter limiter = this.redisson.getRateLimiter(key);
			limiter.trySetRate(RateType.OVERALL, RateLimitWorkload.LIMIT_PER_SECOND, Duration.ofSeconds(1));
			this.limiters.put(key, limiter);
		}
	}

	@Override
	public boolean tryAcquire(String key) {
		return this.limiters.get(key).tryAcquire();
	}

	@Override
	public void close() {
		this.redisson.shutdown();
	}

}
