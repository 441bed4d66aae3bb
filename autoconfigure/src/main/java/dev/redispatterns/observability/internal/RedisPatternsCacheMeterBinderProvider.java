package dev.redispatterns.observability.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;

import dev.redispatterns.cache.RedisPatternsCache;

/**
 * Puts the starter's caches into Spring Boot's cache metrics ({@code cache.gets} with {@code result} hit
 * and miss, {@code cache.puts}, {@code cache.evictions}), as Boot does for its own Redis caches. The size
 * of a cache is not reported: counting a cache's keys in Redis would need a scan.
 */
public class RedisPatternsCacheMeterBinderProvider implements CacheMeterBinderProvider<RedisPatternsCache> {

	private final CacheStatistics statistics;

	public RedisPatternsCacheMeterBinderProvider(CacheStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public MeterBinder getMeterBinder(RedisPatternsCache cache, Iterable<Tag> tags) {
		return new Binder(cache, this.statistics, tags);
	}

	private static final class Binder extends CacheMeterBinder<RedisPatternsCache> {

		private final String name;

		private final CacheStatistics statistics;

		Binder(RedisPatternsCache cache, CacheStatistics statistics, Iterable<Tag> tags) {
			super(cache, cache.getName(), tags);
			this.name = cache.getName();
			this.statistics = statistics;
		}

		@Override
		protected @Nullable Long size() {
			return null;
		}

		@Override
		protected long hitCount() {
			return this.statistics.hits(this.name);
		}

		@Override
		protected Long missCount() {
			return this.statistics.misses(this.name);
		}

		@Override
		protected Long evictionCount() {
			return this.statistics.evictions(this.name);
		}

		@Override
		protected long putCount() {
			return this.statistics.puts(this.name);
		}

		@Override
		protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
		}

	}

}
