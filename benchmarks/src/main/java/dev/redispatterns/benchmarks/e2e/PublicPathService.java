package dev.redispatterns.benchmarks.e2e;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.annotation.Cacheable;

import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.lock.DistributedLock;
import dev.redispatterns.ratelimit.RateLimited;

/**
 * An application bean with one method per pattern, annotated the way the README shows. The bodies do
 * nothing worth measuring: what a call costs is the advice and the Redis work behind it.
 */
public class PublicPathService {

	private final AtomicLong loads = new AtomicLong();

	private final AtomicReference<@Nullable Callable<Product>> loader = new AtomicReference<>();

	@RateLimited(value = PublicPathApplication.TOKEN_BUCKET, key = "#key")
	public boolean tokenBucket(String key) {
		return true;
	}

	/** Far above its limit in the abuse cell: refusals throw, as for any application. */
	@RateLimited(value = PublicPathApplication.ABUSE, key = "#key")
	public boolean abused(String key) {
		return true;
	}

	@RateLimited(value = PublicPathApplication.SLIDING_WINDOW, key = "#key")
	public boolean slidingWindow(String key) {
		return true;
	}

	/**
	 * No lease: the watchdog keeps the lease, as for most applications. The wait time is the other lock
	 * subjects' (30 s) rather than the default 5 s: on a loaded machine a contended warm-up can exceed 5 s.
	 */
	@DistributedLock(key = "#name", waitTime = "30s")
	public long locked(String name, long[] acquiredAt) {
		acquiredAt[0] = System.nanoTime();
		return acquiredAt[0];
	}

	@Cacheable(cacheNames = PublicPathApplication.CACHE, key = "#key")
	public Product product(String key) {
		this.loads.incrementAndGet();
		return Product.sample(key.hashCode());
	}

	/** {@code @Cacheable(sync = true)}: the stampede workload's loader runs as the method body. */
	@Cacheable(cacheNames = PublicPathApplication.STAMPEDE_CACHE, key = "#key", sync = true)
	public Product load(String key) throws Exception {
		Callable<Product> current = this.loader.get();
		if (current == null) {
			throw new IllegalStateException("no loader set for " + key);
		}
		return current.call();
	}

	/** The loader the next {@link #load} bodies run (every caller of a round passes an equivalent one). */
	public void loader(Callable<Product> loader) {
		this.loader.set(loader);
	}

	/** Times the {@code @Cacheable} body of {@link #product} ran. */
	public long loads() {
		return this.loads.get();
	}

}
