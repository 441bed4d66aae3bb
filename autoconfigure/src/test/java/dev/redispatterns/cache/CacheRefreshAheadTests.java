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
 * <p>
 * A background refresh must be stored before Redis expires the key, and on a loaded machine the way from the
 * read that triggers it to the stored value (lease round trip, hand-off to the refresh pool, the load, the
 * fill round trip) takes up to hundreds of milliseconds beyond the load. XFetch triggers it about
 * {@code load * beta * ln(reads per second * load * beta)} before expiry: with a 50 ms load and beta 1 that
 * was 150-400 ms, leaving 90-330 ms (measured at load average 20): a longer stall made every reader miss.
 * A 250 ms load with beta 2, read about {@value #READS_PER_SECOND} times a second (paced: the head start grows
 * with the read rate), triggers the refresh about 2 s before expiry and hardly ever (one in a thousand) less
 * than 0.85 s; the 5 s TTL keeps "about once per TTL" measurable.
 */
@RedisTest
class CacheRefreshAheadTests {

	static final int READERS = 4;

	static final long READ_PAUSE_MILLIS = 50;

	static final int READS_PER_SECOND = (int) (READERS * 1000 / READ_PAUSE_MILLIS);

	static final String TTL = "5s";

	static final long LOAD_MILLIS = 250;

	private final ApplicationContextRunner runner;

	CacheRefreshAheadTests(RedisDeployment redis) {
		redis.flushAll();
		this.runner = CachingApplication.runner(redis);
	}

	@Test
	void aHotKeyReadContinuouslyThroughItsExpiryIsNeverAMissAndLoadsAboutOncePerTtl() {
		this.runner
			.withPropertyValues("redis.patterns.cache.caches.products.ttl=" + TTL,
					"redis.patterns.cache.caches.products.ttl-jitter=0",
					"redis.patterns.cache.caches.products.refresh-ahead.enabled=true",
					"redis.patterns.cache.caches.products.refresh-ahead.beta=2")
			.run((context) -> {
				CachedCatalog catalog = context.getBean(CachedCatalog.class);
				RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
				catalog.loadMillis(LOAD_MILLIS);
				assertThat(catalog.product("hot")).isEqualTo("product-hot-v1");
				listener.reset();
				// through two expiries: a refresh about every 3 s (5 s TTL, triggered about 2 s ahead)
				long readMillis = 11_000;
				AtomicLong reads = new AtomicLong();
				readContinuously(readMillis, () -> {
					assertThat(catalog.product("hot")).startsWith("product-hot");
					reads.incrementAndGet();
				});
				assertThat(reads.get()).as("the readers were busy").isGreaterThan(100);
				assertThat(listener.count("request.MISS")).as("misses after warm-up").isZero();
				assertThat(listener.count("refresh.SUCCESS")).as("background refreshes in 11 s, TTL 5 s")
					.isBetween(2L, 5L);
				int refreshes = (int) listener.count("refresh.SUCCESS");
				assertThat(catalog.plainCalls() - 1).as("every load after warm-up was a background refresh")
					.isBetween(refreshes, refreshes + 1);
			});
	}

	@Test
	void aSyncCacheableHotKeyIsRefreshedAheadAsWell() {
		this.runner
			.withPropertyValues("redis.patterns.cache.caches.products-sync.ttl=" + TTL,
					"redis.patterns.cache.caches.products-sync.ttl-jitter=0",
					"redis.patterns.cache.caches.products-sync.refresh-ahead.enabled=true",
					"redis.patterns.cache.caches.products-sync.refresh-ahead.beta=2")
			.run((context) -> {
				CachedCatalog catalog = context.getBean(CachedCatalog.class);
				RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
				catalog.loadMillis(LOAD_MILLIS);
				catalog.productSync("hot");
				listener.reset();
				// through the first expiry (5 s after the warm-up) and well past it
				readContinuously(6_500, () -> catalog.productSync("hot"));
				assertThat(listener.count("request.MISS")).as("misses after warm-up").isZero();
				assertThat(listener.count("refresh.SUCCESS")).as("background refreshes in 6.5 s, TTL 5 s")
					.isBetween(1L, 3L);
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
				// the refresh is reported after its value is stored, so a reader can see the value first
				RedisPatternsCacheContractTests.awaitUntil(() -> listener.count("refresh.SUCCESS") == 1,
						Duration.ofSeconds(10));
				assertThat(listener.count("request.MISS")).isZero();
			});
	}

	/** {@link #READERS} threads reading, each pausing {@link #READ_PAUSE_MILLIS} between reads. */
	private static void readContinuously(long millis, ThrowingRunnable read) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(READERS);
		try {
			AtomicBoolean running = new AtomicBoolean(true);
			List<Future<?>> readers = new ArrayList<>();
			for (int i = 0; i < READERS; i++) {
				readers.add(pool.submit(() -> {
					while (running.get()) {
						read.run();
						Thread.sleep(READ_PAUSE_MILLIS);
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
