package dev.redispatterns.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.ratelimit.RateLimitOverride;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.ratelimit.RedisRateLimiter;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @RateLimited} with waiting, tiers, overrides and outcome counting, in two application contexts
 * sharing one Redis (two instances of an application), for every algorithm and every
 * topology. Limits per day keep the counts exact: no capacity returns while a test runs.
 */
@RedisTopologies
class RateLimitApplicationsContractTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	RateLimitApplicationsContractTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					AopAutoConfiguration.class))
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("redis.patterns.rate-limit.overrides.refresh-interval=200ms")
			.withUserConfiguration(FeaturesConfiguration.class);
	}

	/** The policies of the test service, all with {@code algorithm}. */
	private ApplicationContextRunner instance(RateLimitAlgorithm algorithm) {
		this.redis.flushAll();
		Features.reset();
		List<String> properties = new ArrayList<>();
		policy(properties, "failures", algorithm, 5, "1d");
		policy(properties, "successes", algorithm, 5, "1d");
		policy(properties, "tiered", algorithm, 2, "1d");
		policy(properties, "tiered.tiers.gold", algorithm, 6, "1d");
		policy(properties, "overridden", algorithm, 10, "1d");
		policy(properties, "waits", algorithm, 2, "600ms");
		policy(properties, "slow", RateLimitAlgorithm.GCRA, 1, "1h");
		return this.runner.withPropertyValues(properties.toArray(String[]::new));
	}

	private static void policy(List<String> properties, String name, RateLimitAlgorithm algorithm, long limit,
			String window) {
		String prefix = "redis.patterns.rate-limit.policies." + name + ".";
		properties.add(prefix + "algorithm=" + algorithm.configName());
		if (algorithm == RateLimitAlgorithm.TOKEN_BUCKET) {
			double seconds = window.endsWith("ms") ? Long.parseLong(window.replace("ms", "")) / 1000.0 : 86_400;
			properties.add(prefix + "capacity=" + limit);
			properties.add(prefix + "refill-rate=" + (limit / seconds));
		}
		else {
			properties.add(prefix + "limit=" + limit);
			properties.add(prefix + "window=" + window);
		}
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void countingOnlyFailuresIsExactAcrossTwoInstances(RateLimitAlgorithm algorithm) {
		ApplicationContextRunner instance = instance(algorithm);
		instance.run((a) -> instance.run((b) -> {
			Features[] both = { a.getBean(Features.class), b.getBean(Features.class) };
			RedisRateLimiter limiter = a.getBean(RedisRateLimiter.class);
			// successful sign-ins hold a permit only while they run, and give it back
			concurrently(8, 10, (i) -> both[i % 2].signIn("victim", true));
			assertThat(limiter.inspect("failures", "victim").remaining()).as("successes keep nothing").isEqualTo(5);
			// failed ones keep theirs: exactly the limit of them run, however many try at once
			int refused = concurrently(8, 10, (i) -> both[i % 2].signIn("victim", false));
			assertThat(Features.FAILED.get()).as("failed sign-ins that ran").isEqualTo(5);
			assertThat(refused).isEqualTo(80 - 5);
			assertThatThrownBy(() -> both[1].signIn("victim", true)).as("the budget is spent for everyone")
				.isInstanceOf(RateLimitExceededException.class);
			assertThat(both[0].signIn("someone-else", true)).isEqualTo("welcome");
		}));
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void countingOnlySuccessesIsExactAcrossTwoInstances(RateLimitAlgorithm algorithm) {
		ApplicationContextRunner instance = instance(algorithm);
		instance.run((a) -> instance.run((b) -> {
			Features[] both = { a.getBean(Features.class), b.getBean(Features.class) };
			concurrently(8, 10, (i) -> both[i % 2].send(false));
			assertThat(a.getBean(RedisRateLimiter.class).inspect("successes", "outbox").remaining())
				.as("failures keep nothing")
				.isEqualTo(5);
			int refused = concurrently(8, 10, (i) -> both[i % 2].send(true));
			assertThat(Features.SENT.get()).as("successful sends").isEqualTo(5);
			assertThat(refused).isEqualTo(80 - 5);
		}));
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aTierChosenPerCallIsExactAcrossTwoInstances(RateLimitAlgorithm algorithm) {
		ApplicationContextRunner instance = instance(algorithm);
		instance.run((a) -> instance.run((b) -> {
			Features[] both = { a.getBean(Features.class), b.getBean(Features.class) };
			int refused = concurrently(8, 3, (i) -> both[i % 2].call("gold-user", "gold"));
			assertThat(refused).as("gold allows 6").isEqualTo(24 - 6);
			assertThatThrownBy(() -> both[0].call("gold-user", "gold"))
				.isInstanceOfSatisfying(RateLimitExceededException.class, (ex) -> {
					assertThat(ex.limit()).isEqualTo(6);
					assertThat(ex.decision().tier()).isEqualTo("gold");
				});
			assertThatThrownBy(() -> both[1].call("gold-user", null)).as("same bucket, the policy's own limit")
				.isInstanceOfSatisfying(RateLimitExceededException.class, (ex) -> {
					assertThat(ex.limit()).isEqualTo(2);
					assertThat(ex.decision().tier()).isNull();
				});
			both[0].call("tin-user", "tin");
			both[1].call("tin-user", "tin");
			assertThatThrownBy(() -> both[0].call("tin-user", "tin")).as("an unknown tier: the policy's own limit")
				.isInstanceOfSatisfying(RateLimitExceededException.class, (ex) -> assertThat(ex.limit()).isEqualTo(2));
		}));
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void anOverrideIsExactAcrossTwoInstancesAndSurvivesTheirRestart(RateLimitAlgorithm algorithm) {
		ApplicationContextRunner instance = instance(algorithm);
		instance.run((a) -> instance.run((b) -> {
			Features[] both = { a.getBean(Features.class), b.getBean(Features.class) };
			a.getBean(RateLimitOverrides.class).set("overridden", RateLimitOverride.limit(3));
			await("applied by the other instance", () -> b.getBean(RateLimitOverrides.class).list().size() == 1);
			int refused = concurrently(8, 2, (i) -> both[i % 2].overridden("hot"));
			assertThat(refused).isEqualTo(16 - 3);
			b.getBean(RateLimitOverrides.class).set("overridden", "vip", RateLimitOverride.limit(20));
			await("applied by the other instance", () -> a.getBean(RateLimitOverrides.class).list().size() == 2);
			for (int i = 0; i < 20; i++) {
				both[i % 2].overridden("vip");
			}
			assertThatThrownBy(() -> both[0].overridden("vip")).isInstanceOf(RateLimitExceededException.class);
		}));
		instance.run((restarted) -> {
			RateLimitOverrides overrides = restarted.getBean(RateLimitOverrides.class);
			assertThat(overrides.list()).as("kept in Redis").hasSize(2);
			Features features = restarted.getBean(Features.class);
			for (int i = 0; i < 3; i++) {
				features.overridden("fresh");
			}
			assertThatThrownBy(() -> features.overridden("fresh")).isInstanceOf(RateLimitExceededException.class);
			assertThat(overrides.clear("overridden")).isTrue();
			for (int i = 0; i < 10; i++) {
				features.overridden("after-clear");
			}
		});
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void waitingCallersOfTwoInstancesAreAllServedOnceTheirPermitsAreDue(RateLimitAlgorithm algorithm) {
		ApplicationContextRunner instance = instance(algorithm);
		instance.run((a) -> instance.run((b) -> {
			Features[] both = { a.getBean(Features.class), b.getBean(Features.class) };
			long start = System.nanoTime();
			// 6 callers for 2 permits per 600 ms: all of them wait their turn, nobody is refused
			assertThat(concurrently(6, 1, (i) -> both[i % 2].waits())).as("refused").isZero();
			assertThat(Features.WAITED.get()).isEqualTo(6);
			assertThat(Duration.ofNanos(Features.lastWaited() - start)).as("the later callers waited")
				.isGreaterThanOrEqualTo(Duration.ofMillis(300));
			List<CompletableFuture<Long>> futures = new ArrayList<>();
			List<Mono<Long>> monos = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				futures.add(both[i % 2].waitsFuture());
				monos.add(both[(i + 1) % 2].waitsReactive());
			}
			assertThat(Mono.when(monos).then(Mono.just(true)).block(Duration.ofSeconds(60))).isTrue();
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			assertThat(Features.WAITED.get()).isEqualTo(12);
		}));
	}

	@Test
	void waitingMethodsReturningAFutureOrAPublisherHoldNoThreadAndGiveBackWhenCancelled() {
		ApplicationContextRunner instance = instance(RateLimitAlgorithm.GCRA);
		instance.run((context) -> {
			Features features = context.getBean(Features.class);
			RedisRateLimiter limiter = context.getBean(RedisRateLimiter.class);
			features.slow();
			// the next permit is due in an hour: both calls return at once and wait without a thread
			CompletableFuture<Long> future = features.slowFuture();
			await("reserved", () -> limiter.inspect("slow", "s").resetAfter().compareTo(Duration.ofMinutes(90)) > 0);
			assertThat(future).isNotDone();
			future.cancel(false);
			await("given back", () -> limiter.inspect("slow", "s").resetAfter().compareTo(Duration.ofMinutes(61)) < 0);
			Disposable subscription = features.slowReactive().subscribe();
			await("reserved", () -> limiter.inspect("slow", "s").resetAfter().compareTo(Duration.ofMinutes(90)) > 0);
			assertThat(subscription.isDisposed()).isFalse();
			subscription.dispose();
			await("given back", () -> limiter.inspect("slow", "s").resetAfter().compareTo(Duration.ofMinutes(61)) < 0);
			assertThat(Features.WAITED.get()).as("the cancelled calls never ran").isZero();
		});
	}

	/** Runs {@code attempts} calls on each of {@code threads} threads at once; returns how many were refused. */
	static int concurrently(int threads, int attempts, java.util.function.IntConsumer call) {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger refused = new AtomicInteger();
		List<Future<?>> futures = new ArrayList<>();
		try {
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < attempts; i++) {
						try {
							call.accept(thread);
						}
						catch (RateLimitExceededException ex) {
							refused.incrementAndGet();
						}
						catch (IllegalStateException ex) {
							// the method's own failure
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(90, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			pool.shutdownNow();
		}
		return refused.get();
	}

	static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	/** The limited methods; counters are static because both contexts' instances count together. */
	static class Features {

		static final AtomicInteger FAILED = new AtomicInteger();

		static final AtomicInteger SENT = new AtomicInteger();

		static final AtomicInteger WAITED = new AtomicInteger();

		static final java.util.concurrent.atomic.AtomicLong LAST_WAITED = new java.util.concurrent.atomic.AtomicLong();

		static void reset() {
			FAILED.set(0);
			SENT.set(0);
			WAITED.set(0);
			LAST_WAITED.set(0);
		}

		static long lastWaited() {
			return LAST_WAITED.get();
		}

		@RateLimited(value = "failures", key = "#user", count = RateLimited.Count.FAILURES)
		public String signIn(String user, boolean correct) {
			if (!correct) {
				FAILED.incrementAndGet();
				throw new IllegalStateException("wrong password");
			}
			return "welcome";
		}

		@RateLimited(value = "successes", key = "'outbox'", count = RateLimited.Count.SUCCESSES)
		public void send(boolean works) {
			if (!works) {
				throw new IllegalStateException("partner down");
			}
			SENT.incrementAndGet();
		}

		@RateLimited(value = "tiered", key = "#user", tier = "#plan")
		public String call(String user, String plan) {
			return "called";
		}

		@RateLimited(value = "overridden", key = "#key")
		public String overridden(String key) {
			return key;
		}

		@RateLimited(value = "waits", key = "'w'", waitTime = "30s")
		public void waits() {
			ran();
		}

		@RateLimited(value = "waits", key = "'f'", waitTime = "30s")
		public CompletableFuture<Long> waitsFuture() {
			return CompletableFuture.completedFuture(ran());
		}

		@RateLimited(value = "waits", key = "'m'", waitTime = "30s")
		public Mono<Long> waitsReactive() {
			return Mono.fromSupplier(Features::ran);
		}

		@RateLimited(value = "slow", key = "'s'")
		public void slow() {
		}

		@RateLimited(value = "slow", key = "'s'", waitTime = "2h")
		public CompletableFuture<Long> slowFuture() {
			return CompletableFuture.completedFuture(ran());
		}

		@RateLimited(value = "slow", key = "'s'", waitTime = "2h")
		public Mono<Long> slowReactive() {
			return Mono.fromSupplier(Features::ran);
		}

		private static long ran() {
			WAITED.incrementAndGet();
			long now = System.nanoTime();
			LAST_WAITED.accumulateAndGet(now, Math::max);
			return now;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FeaturesConfiguration {

		@Bean
		Features features() {
			return new Features();
		}

	}

}
