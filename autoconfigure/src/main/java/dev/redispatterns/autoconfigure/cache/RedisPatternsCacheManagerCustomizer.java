package dev.redispatterns.autoconfigure.cache;

import dev.redispatterns.cache.RedisPatternsCacheManager;

/**
 * Customizes the cache manager before it is built, after the properties were applied: for example to
 * configure a cache in code or to run background refreshes on the application's own executor.
 * Customizers run in {@link org.springframework.core.annotation.Order}.
 */
@FunctionalInterface
public interface RedisPatternsCacheManagerCustomizer {

	void customize(RedisPatternsCacheManager.Builder builder);

}
