package dev.redispatterns.benchmarks.layers;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.cache.annotation.Cacheable;

import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.lock.DistributedLock;
import dev.redispatterns.ratelimit.RateLimited;

/**
 * An application bean with one method per advice, as people write them. The bodies do nothing worth
 * measuring: what a call costs is the advice and the Redis work behind it.
 */
public class AdvisedService {

	private final AtomicLong loads = new AtomicLong();

	/** Times the {@code @Cacheable} body ran: after the first load every call must be a hit. */
	public long loads() {
		return this.loads.get();
	}

	@RateLimited(value = AdviceBenchmark.POLICY, key = "#userId")
	public String limited(String userId) {
		return userId;
	}

	@DistributedLock(key = "'order:' + #orderId", leaseTime = "30s")
	public long locked(long orderId) {
		return orderId;
	}

	@Cacheable(cacheNames = AdviceBenchmark.NEAR_CACHE, key = "#id")
	public Product nearProduct(long id) {
		this.loads.incrementAndGet();
		return Product.sample(id);
	}

}
