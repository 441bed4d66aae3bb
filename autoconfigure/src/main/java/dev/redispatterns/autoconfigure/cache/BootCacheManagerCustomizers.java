package dev.redispatterns.autoconfigure.cache;

import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;

import dev.redispatterns.cache.RedisPatternsCacheManager;

/**
 * Applies Spring Boot's {@link CacheManagerCustomizer} beans to the starter's cache manager, as Boot's
 * cache auto-configuration (which backs off once the starter's manager exists) would have. Only those
 * declared for a type the manager is (for example {@code CacheManagerCustomizer<CacheManager>}) apply.
 * Kept apart so that Boot's cache module stays optional.
 */
final class BootCacheManagerCustomizers {

	private BootCacheManagerCustomizers() {
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	static void apply(ListableBeanFactory beanFactory, RedisPatternsCacheManager cacheManager) {
		CacheManagerCustomizers customizers = beanFactory.getBeanProvider(CacheManagerCustomizers.class)
			.getIfAvailable(() -> {
				List customizerBeans = beanFactory.getBeanProvider(CacheManagerCustomizer.class).orderedStream().toList();
				return new CacheManagerCustomizers(customizerBeans);
			});
		customizers.customize(cacheManager);
	}

}
