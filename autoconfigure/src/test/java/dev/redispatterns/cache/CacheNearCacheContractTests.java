package dev.redispatterns.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import dev.redispatterns.test.RedisDeployment;

import static dev.redispatterns.cache.RedisPatternsCacheContractTests.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache answers repeated reads in-process and stays coherent across instances: a write or an
 * eviction in one instance reaches the other instances' next reads through the cache's channel, long
 * before the near cache's own time to live (an hour here) would.
 */
abstract class CacheNearCacheContractTests {

	final RedisDeployment redis;

	final ApplicationContextRunner runner;

	CacheNearCacheContractTests(RedisDeployment redis) {
		this.redis = redis;
		redis.flushAll();
		this.runner = CachingApplication.runner(redis)
			.withPropertyValues("redis.patterns.cache.caches.products.near-cache.enabled=true",
					"redis.patterns.cache.caches.products.near-cache.ttl=1h");
	}

	@Test
	void aCachePutInOneInstanceIsSeenByTheOtherInstancesNextReads() {
		this.runner.run((a) -> this.runner.run((b) -> {
			CachedCatalog first = a.getBean(CachedCatalog.class);
			CachedCatalog second = b.getBean(CachedCatalog.class);
			awaitSubscribed(a);
			awaitSubscribed(b);
			first.loadMillis(0);
			assertThat(first.product("2")).isEqualTo("product-2-v1");
			assertThat(second.product("2")).isEqualTo("product-2-v1");
			assertThat(second.product("2")).isEqualTo("product-2-v1");
			assertThat(b.getBean(RecordingCacheListener.class).count("request.NEAR_HIT")).as("B serves from memory")
				.isEqualTo(1);
			first.update("2", "changed in A");
			awaitUntil(() -> "changed in A".equals(second.product("2")), Duration.ofSeconds(5));
			assertThat(second.plainCalls()).as("B never ran the method").isZero();
		}));
	}

	@Test
	void aCacheEvictInOneInstanceIsSeenByTheOtherInstancesNextReads() {
		this.runner.run((a) -> this.runner.run((b) -> {
			CachedCatalog first = a.getBean(CachedCatalog.class);
			CachedCatalog second = b.getBean(CachedCatalog.class);
			awaitSubscribed(a);
			awaitSubscribed(b);
			first.loadMillis(0);
			second.loadMillis(0);
			first.product("3");
			second.product("3");
			assertThat(second.product("3")).isEqualTo("product-3-v1");
			second.version("v2");
			first.remove("3");
			awaitUntil(() -> "product-3-v2".equals(second.product("3")), Duration.ofSeconds(5));
			assertThat(second.plainCalls()).as("B loaded it again after the eviction").isEqualTo(1);
		}));
	}

	static RedisPatternsCache awaitSubscribed(ApplicationContext context) throws InterruptedException {
		RedisPatternsCache cache = (RedisPatternsCache) context.getBean(RedisPatternsCacheManager.class)
			.getCache("products");
		awaitUntil(cache::isSubscribed, Duration.ofSeconds(10));
		return cache;
	}

}
