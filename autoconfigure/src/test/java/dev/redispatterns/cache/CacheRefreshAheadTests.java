package dev.redispatterns.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot keys never fall off a cliff at expiry: XFetch recomputes them in the background shortly before,
 * and stale-while-revalidate serves the old value while one caller recomputes it.
 */
@RedisTest
class CacheRefreshAheadTests {

	private final ApplicationContextRunner runner;

	CacheRefreshAheadTests(RedisDeployment redis) {
		redis.flushAll();
		this.runner = CachingApplication.runner(redis);
	}

	@Test
	void aHotKeyReadContinuouslyThroughItsExpiryIsNeverAMissAndLoadsAboutOncePerTtl() {
		this.runner
			.withPropertyValues("redis.patterns.cache.caches.products.ttl=2s",
					"redis.patterns.cache.caches.products.ttl-jitter=0",
					"redis.patterns.cache.caches.products.refresh-ahead.enabled=true")
			.run((context) -> {
				CachedCatalog catalog = context.getBean(CachedCatalog.class);
				RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
				catalog.loadMillis(50);
				assertThat(catalog.product("hot")).isEqualTo("product-hot-v1");
				listener.reset();
				long readMillis = 4_500;
				AtomicLong reads = new AtomicLong();
				readContinuously(4, readMillis, () -> {
					assertThat(catalog.product("hot")).startsWith("product-hot");
					reads.incrementAndGet();
				});
				assertThat(reads.get()).as("the readers were busy").isGreaterThan(100);
				assertThat(listener.count("request.MISS")).as("misses after warm-up").isZero();
				assertThat(listener.count("refresh.SUCCESS")).as("background refreshes in 4.5 s, TTL 2 s")
					.isBetween(1L, 4L);
				int refreshes = (int) listener.count("refresh.SUCCESS");
				assertThat(catalog.plainCalls() - 1).as("every load after warm-up was a background refresh")
					.isBetween(refreshes, refreshes + 1);
			});
	}

	@Test
	void aSyncCacheableHotKeyIsRefreshedAheadAsWell() {
		this.runner
			.withPropertyValues("redis.patterns.cache.caches.products-sync.ttl=1s",
					"redis.patterns.cache.caches.products-sync.ttl-jitter=0",
					"redis.patterns.cache.caches.products-sync.refresh-ahead.enabled=true")
			.run((context) -> {
				CachedCatalog catalog = context.getBean(CachedCatalog.class);
				RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
				catalog.loadMillis(50);
				catalog.productSync("hot");
				listener.reset();
				readContinuously(4, 2_500, () -> catalog.productSync("hot"));
				assertThat(listener.count("request.MISS")).isZero();
				assertThat(listener.count("refresh.SUCCESS")).as("background refreshes in 2.5 s, TTL 1 s")
					.isBetween(1L, 5L);
			});
	}

	@Test
	void aStaleEntryIsServedAtOnceWhileOneCallerRecomputesItInTheBackground() {
		this.runner
			.withPropertyValues("redis.patterns.cache.caches.products.ttl=1s",
					"redis.patterns.cache.caches.products.ttl-jitter=0",
					"redis.patterns.cache.caches.products.stale-while-revalidate=1m")
			.run((context) -> {
				CachedCatalog catalog = context.getBean(CachedCatalog.class);
				RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
				catalog.loadMillis(300);
				assertThat(catalog.product("slow")).isEqualTo("product-slow-v1");
				catalog.version("v2");
				long expired = System.nanoTime() + Duration.ofMillis(1050).toNanos();
				while (System.nanoTime() < expired) {
					Thread.sleep(10);
				}
				listener.reset();
				ExecutorService pool = Executors.newFixedThreadPool(8);
				try {
					List<Future<Long>> reads = new ArrayList<>();
					for (int i = 0; i < 8; i++) {
						reads.add(pool.submit(() -> {
							long start = System.nanoTime();
							assertThat(catalog.product("slow")).as("stale value").isEqualTo("product-slow-v1");
							return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
						}));
					}
					for (Future<Long> read : reads) {
						assertThat(read.get(10, TimeUnit.SECONDS)).as("served at once, not after the 300 ms load")
							.isLessThan(300);
					}
				}
				finally {
					pool.shutdownNow();
				}
				assertThat(listener.count("request.STALE")).isEqualTo(8);
				RedisPatternsCacheContractTests.awaitUntil(() -> catalog.product("slow").endsWith("v2"),
						Duration.ofSeconds(10));
				assertThat(catalog.plainCalls()).as("the first load and one background recomputation").isEqualTo(2);
				assertThat(listener.count("refresh.SUCCESS")).isEqualTo(1);
				assertThat(listener.count("request.MISS")).isZero();
			});
	}

	private static void readContinuously(int threads, long millis, ThrowingRunnable read) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			AtomicBoolean running = new AtomicBoolean(true);
			List<Future<?>> readers = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				readers.add(pool.submit(() -> {
					while (running.get()) {
						read.run();
						Thread.sleep(2);
					}
					return null;
				}));
			}
			long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
			while (System.nanoTime() < end) {
				Thread.sleep(20);
			}
			running.set(false);
			for (Future<?> reader : readers) {
				reader.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@FunctionalInterface
	interface ThrowingRunnable {

		void run() throws Exception;

	}

}
