package dev.redispatterns.benchmarks.cache;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * One cache as the cache workloads drive it, shaped like Spring's {@code Cache} API: a plain read, a
 * write, and the get-or-load that {@code @Cacheable(sync = true)} uses. Each instance is one "application
 * instance" with its own clients.
 */
public interface CacheSubject extends AutoCloseable {

	/** A read; {@code null} on a miss. */
	@Nullable Product get(String key) throws Exception;

	void put(String key, Product value) throws Exception;

	/** Returns the cached value or computes it with {@code loader} (and stores it), as the cache decides. */
	Product get(String key, Callable<Product> loader) throws Exception;

	@Override
	void close() throws Exception;

}
