package dev.redispatterns.autoconfigure.cache;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.cache.Cache;

import dev.redispatterns.cache.CacheListener;
import dev.redispatterns.cache.RedisPatternsCacheManager;

/**
 * Binds caches created after start-up (dynamic cache names) to Spring Boot's cache metrics when they are
 * first used; Boot itself binds only the caches that exist when the context starts. Tagged
 * {@code cache.manager=cacheManager}, as Boot tags the caches of the bean {@code cacheManager}.
 */
final class DynamicCacheMetrics implements CacheListener {

	private static final Tag CACHE_MANAGER = Tag.of("cache.manager", "cacheManager");

	private final ObjectProvider<CacheMetricsRegistrar> registrar;

	private final ObjectProvider<MeterRegistry> registry;

	private final ObjectProvider<RedisPatternsCacheManager> cacheManager;

	private final Set<String> bound = ConcurrentHashMap.newKeySet();

	DynamicCacheMetrics(ObjectProvider<CacheMetricsRegistrar> registrar, ObjectProvider<MeterRegistry> registry,
			ObjectProvider<RedisPatternsCacheManager> cacheManager) {
		this.registrar = registrar;
		this.registry = registry;
		this.cacheManager = cacheManager;
	}

	@Override
	public void onRequest(String cache, Result result) {
		bind(cache);
	}

	@Override
	public void onPut(String cache) {
		bind(cache);
	}

	private void bind(String name) {
		if (this.bound.contains(name) || !this.bound.add(name)) {
			return;
		}
		CacheMetricsRegistrar metrics = this.registrar.getIfAvailable();
		MeterRegistry registry = this.registry.getIfUnique();
		RedisPatternsCacheManager manager = this.cacheManager.getIfUnique();
		Cache cache = (manager != null) ? manager.getCache(name) : null;
		if (metrics == null || registry == null || cache == null) {
			return;
		}
		// caches existing at start-up were bound by Boot; binding them again would register duplicates
		boolean boundByBoot = registry.find("cache.gets").tag("cache", name).tags(List.of(CACHE_MANAGER)).meter() != null;
		if (!boundByBoot) {
			metrics.bindCacheToRegistry(cache, CACHE_MANAGER);
		}
	}

}
