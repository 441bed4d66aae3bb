package dev.redispatterns.cache;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.cache.RedisPatternsCacheContractTests.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache never takes the application down with it: while Redis is unreachable the methods run (within
 * the short cache timeout), writes and evictions are skipped, nothing is thrown; when Redis is back,
 * caching resumes without restarting the application.
 */
@RedisTest(process = true)
class CacheRedisOutageTests {

	@Test
	void readsKeepReturningTheMethodsValueWhileRedisIsDownAndCachingResumesWhenItIsBack(RedisServerProcess redis)
			throws Exception {
		CachingApplication.runner(redis)
			.withPropertyValues("redis.patterns.cache.timeout=300ms", "redis.patterns.command-timeout=1s",
					"redis.patterns.cache.caches.products.near-cache.enabled=true")
			.run((context) -> {
				CachedCatalog catalog = context.getBean(CachedCatalog.class);
				RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
				catalog.loadMillis(0);
				assertThat(catalog.product("1")).isEqualTo("product-1-v1");
				assertThat(catalog.productSync("1")).isEqualTo("product-1-v1");
				assertThat(catalog.plainCalls()).isEqualTo(1);

				redis.stop();
				for (int i = 0; i < 5; i++) {
					long start = System.nanoTime();
					assertThat(catalog.product("2")).isEqualTo("product-2-v1");
					assertThat(catalog.productSync("2")).isEqualTo("product-2-v1");
					catalog.update("2", "ignored");
					catalog.remove("2");
					assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
						.as("bounded by the cache timeout, not by Redis").isLessThan(5_000);
				}
				assertThat(catalog.plainCalls()).as("the method ran for every read").isEqualTo(6);
				assertThat(catalog.syncCalls()).isEqualTo(6);
				assertThat(listener.count("unavailable.READ")).isPositive();

				redis.restart();
				listener.reset();
				awaitUntil(() -> {
					catalog.product("3");
					return listener.count("request.HIT") + listener.count("request.NEAR_HIT") > 0;
				}, Duration.ofSeconds(60));
				int calls = catalog.plainCalls();
				catalog.product("3");
				catalog.product("3");
				assertThat(catalog.plainCalls()).as("served from the cache again").isEqualTo(calls);
			});
	}

	@Test
	void aLoadThatBeganWhileRedisDidNotAnswerDoesNotStoreItsValueOnceRedisIsBack(RedisServerProcess redis) {
		CachingApplication.runner(redis)
			.withPropertyValues("redis.patterns.cache.timeout=1s", "redis.patterns.command-timeout=2s")
			.run((context) -> {
				CachedCatalog catalog = context.getBean(CachedCatalog.class);
				RedisPatternsCache cache = (RedisPatternsCache) context.getBean(RedisPatternsCacheManager.class)
					.getCache("products");
				catalog.loadMillis(0);
				assertThat(catalog.product("warm")).isEqualTo("product-warm-v1");
				CountDownLatch read = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				catalog.gate(read, release);
				ExecutorService pool = Executors.newSingleThreadExecutor();
				try {
					Future<String> loading;
					redis.pause();
					try {
						// the GET times out: the method runs without the key's fill ticket
						loading = pool.submit(() -> catalog.product("u"));
						assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
					}
					finally {
						redis.resume();
					}
					catalog.version("v2");
					catalog.remove("u");
					release.countDown();
					assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("product-u-v1");
					try (CacheEngine raw = new CacheEngine(redis, CachePolicy.defaults())) {
						assertThat(raw.raw(cache.entryKey("u"))).as("not stored: an eviction may have been missed")
							.isNull();
					}
				}
				finally {
					pool.shutdownNow();
				}
			});
	}

}
