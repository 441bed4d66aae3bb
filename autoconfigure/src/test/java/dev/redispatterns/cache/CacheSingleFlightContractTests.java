package dev.redispatterns.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spring's {@code @Cacheable}, plain and {@code sync = true}, backed by the starter: a cold key asked for
 * by many callers at once, in one application instance or two sharing one Redis, runs the method once.
 */
@Tag("portable")
@RedisTopologies
class CacheSingleFlightContractTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	private ExecutorService threads;

	CacheSingleFlightContractTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = CachingApplication.runner(redis);
	}

	@BeforeEach
	void start() {
		this.redis.flushAll();
		this.threads = Executors.newFixedThreadPool(64);
	}

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
	}

	@Test
	void plainCacheableRunsTheBodyOnceFor64CallersOfAColdKey() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			List<String> results = concurrently(64, () -> catalog.product("1"));
			assertThat(results).containsOnly("product-1-v1");
			assertThat(catalog.plainCalls()).isEqualTo(1);
			RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
			assertThat(listener.count("load.success")).isEqualTo(1);
			assertThat(listener.count("wait.VALUE")).isPositive();
		});
	}

	@Test
	void syncCacheableRunsTheBodyOnceFor64CallersOfAColdKey() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			List<String> results = concurrently(64, () -> catalog.productSync("1"));
			assertThat(results).containsOnly("product-1-v1");
			assertThat(catalog.syncCalls()).isEqualTo(1);
		});
	}

	@Test
	void plainCacheableRunsTheBodyOnceInTotalForTwoInstancesWith32CallersEach() {
		twoInstances((catalog) -> catalog.product("2"), (catalog) -> catalog.plainCalls());
	}

	@Test
	void syncCacheableRunsTheBodyOnceInTotalForTwoInstancesWith32CallersEach() {
		twoInstances((catalog) -> catalog.productSync("2"), (catalog) -> catalog.syncCalls());
	}

	@Test
	void completableFutureCacheableRunsTheBodyOnceFor32CallersOfAColdKey() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			List<String> results = concurrently(32, () -> catalog.productAsync("3").get(30, TimeUnit.SECONDS));
			assertThat(results).containsOnly("product-3-v1");
			assertThat(catalog.asyncCalls()).isEqualTo(1);
		});
	}

	@Test
	void aFailingPlainBodyFreesTheLeaseAtOnceAndTheNextCallerRunsIt() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			assertFailureIsHandedOver(catalog, () -> catalog.product("4"), () -> catalog.plainCalls());
		});
	}

	@Test
	void aFailingSyncBodyFreesTheLeaseAtOnceAndTheNextCallerRunsIt() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			assertFailureIsHandedOver(catalog, () -> catalog.productSync("4"), () -> catalog.syncCalls());
		});
	}

	@Test
	void whenUnlessSkipsThePutTheWaitersRunTheBodyThemselvesWithoutWaitingForTheLease() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			long start = System.nanoTime();
			List<String> results = concurrently(16, () -> String.valueOf(catalog.optional("5")));
			long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(results).containsOnly("null");
			assertThat(catalog.optionalCalls()).as("each caller ran the body: the result is not cacheable").isEqualTo(16);
			assertThat(elapsedMillis).as("the waiters did not sit out the 30 s lease or max-wait").isLessThan(15_000);
		});
	}

	private void assertFailureIsHandedOver(CachedCatalog catalog, Callable<String> call, Callable<Integer> calls)
			throws Exception {
		RuntimeException failure = new IllegalStateException("database down");
		catalog.failNext(failure);
		Future<String> first = this.threads.submit(call);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (calls.call() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		long start = System.nanoTime();
		List<String> others = concurrently(16, call);
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).cause().isSameAs(failure);
		assertThat(others).hasSize(16).allMatch((value) -> value.startsWith("product-4"));
		assertThat(calls.call()).as("the failed load and one retry").isEqualTo(2);
		assertThat(elapsedMillis).as("nobody waited for the 30 s lease timeout").isLessThan(15_000);
	}

	private void twoInstances(Function<CachedCatalog, String> call, Function<CachedCatalog, Integer> calls) {
		this.runner.run((first) -> this.runner.run((second) -> {
			CachedCatalog a = first.getBean(CachedCatalog.class);
			CachedCatalog b = second.getBean(CachedCatalog.class);
			List<String> results = concurrently(64, new Callable<>() {

				private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

				@Override
				public String call() {
					return call.apply((this.next.getAndIncrement() % 2 == 0) ? a : b);
				}

			});
			assertThat(results).hasSize(64).containsOnly("product-2-v1");
			assertThat(calls.apply(a) + calls.apply(b)).as("body runs across both instances").isEqualTo(1);
		}));
	}

	private <T> List<T> concurrently(int callers, Callable<T> call) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<T>> futures = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			futures.add(this.threads.submit(() -> {
				start.await();
				return call.call();
			}));
		}
		start.countDown();
		List<T> results = new ArrayList<>();
		for (Future<T> future : futures) {
			results.add(future.get(60, TimeUnit.SECONDS));
		}
		return results;
	}

}
