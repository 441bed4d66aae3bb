package dev.redispatterns.cache;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Chooses the time to live of one entry, for caches whose entries should not all live equally long
 * (a product that is out of stock expires sooner). The configured jitter still applies to the result.
 * Declare one as a bean to use it for every cache.
 */
@FunctionalInterface
public interface CacheTtlFunction {

	/**
	 * @param cacheName name of the cache written to
	 * @param key the entry's key as the application passed it
	 * @param value the value being stored, {@code null} for a cached {@code null}
	 * @return the time to live, or {@code null} for the cache's configured {@code ttl} / {@code null-ttl}
	 */
	@Nullable Duration timeToLive(String cacheName, Object key, @Nullable Object value);

}
