package dev.redispatterns.benchmarks.e2e;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.benchmarks.cache.CacheSubject;
import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.benchmarks.cache.SpringCacheSubject;
import dev.redispatterns.benchmarks.harness.CellContext;

/**
 * The starter's cache in a Boot application: reads through a {@code @Cacheable} method, or through the
 * context's {@code CacheManager} ({@code Cache.get(key, type)}, what Spring's cache interceptor calls);
 * get-or-load through a {@code @Cacheable(sync = true)} method whose body runs the workload's loader.
 */
public final class AnnotatedCache implements CacheSubject {

	private final ConfigurableApplicationContext application;

	private final PublicPathService service;

	private final Cache cache;

	private final boolean annotated;

	/**
	 * @param annotated whether reads go through the {@code @Cacheable} method rather than {@code Cache.get}
	 */
	public AnnotatedCache(CellContext context, boolean annotated) throws InterruptedException {
		this(context, annotated, false);
	}

	/**
	 * @param annotated whether reads go through the {@code @Cacheable} method rather than {@code Cache.get}
	 * @param jedis whether the application runs on Jedis (the starter in portable mode) rather than Lettuce
	 */
	public AnnotatedCache(CellContext context, boolean annotated, boolean jedis) throws InterruptedException {
		this.application = jedis ? PublicPathApplication.startOnJedis(context) : PublicPathApplication.start(context);
		this.service = this.application.getBean(PublicPathService.class);
		CacheManager manager = this.application.getBean(CacheManager.class);
		SpringCacheSubject.awaitSubscribed(manager, PublicPathApplication.CACHE);
		SpringCacheSubject.awaitSubscribed(manager, PublicPathApplication.STAMPEDE_CACHE);
		this.cache = manager.getCache(PublicPathApplication.CACHE);
		this.annotated = annotated;
	}

	@Override
	public @Nullable Product get(String key) {
		return this.annotated ? this.service.product(key) : this.cache.get(key, Product.class);
	}

	@Override
	public void put(String key, Product value) {
		this.cache.put(key, value);
	}

	@Override
	public Product get(String key, Callable<Product> loader) throws Exception {
		this.service.loader(loader);
		return this.service.load(key);
	}

	/** Times the {@code @Cacheable} read method ran its body: 0 when every read was a hit. */
	long loads() {
		return this.service.loads();
	}

	@Override
	public void close() {
		if (this.annotated && this.service.loads() > 0) {
			System.err.println("public path: the @Cacheable read method loaded " + this.service.loads() + " times");
		}
		this.application.close();
	}

}
