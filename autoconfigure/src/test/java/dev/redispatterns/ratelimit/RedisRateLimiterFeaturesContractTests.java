package dev.redispatterns.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.ratelimit.internal.RedisRateLimitOverrides;
import dev.redispatterns.test.AfterTopology;
import dev.redispatterns.test.BeforeTopology;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Waiting for permits, tiers and run-time overrides, for every algorithm, run against every topology. Two
 * engines with their own connections stand for two application instances. Exact counts
 * of reservations use day-long windows, so no capacity returns while a test runs and no test sleeps.
 */
@Tag("portable")
@RedisTopologies
class RedisRateLimiterFeaturesContractTests {

	static final Duration DAY = Duration.ofDays(1);

	static RedisDeployment redis;

	static RedisConnectionFactory factoryA;

	static RedisConnectionFactory factoryB;

	static RedisConnector connectorA;

	static RedisConnector connectorB;

	static RedisSignals signalsA;

	static RedisSignals signalsB;

	final List<RedisRateLimiter> limiters = Collections.synchronizedList(new ArrayList<>());

	@BeforeTopology
	static void connect(RedisDeployment deployment) {
		redis = deployment;
		factoryA = RedisConnectionFactories.of(deployment);
		factoryB = RedisConnectionFactories.of(deployment);
		connectorA = new RedisConnector(factoryA, Duration.ofSeconds(5));
		connectorB = new RedisConnector(factoryB, Duration.ofSeconds(5));
		signalsA = new RedisSignals(connectorA, Duration.ofSeconds(1));
		signalsB = new RedisSignals(connectorB, Duration.ofSeconds(1));
	}

	@AfterTopology
	static void disconnect() {
		signalsA.destroy();
		signalsB.destroy();
		connectorA.destroy();
		connectorB.destroy();
		RedisConnectionFactories.destroy(factoryA);
		RedisConnectionFactories.destroy(factoryB);
	}

	@org.junit.jupiter.api.AfterEach
	void closeLimiters() {
		this.limiters.forEach(RedisRateLimiter::close);
		redis.flushAll();
	}

	RedisRateLimiter limiter(RedisConnector connector, RateLimitPolicy... policies) {
		return RedisRateLimiter.builder(connector).keys(new RedisKeys("rp")).policies(List.of(policies)).build();
	}

	RedisRateLimiter withOverrides(RedisConnector connector, RedisSignals signals, RateLimitPolicy... policies) {
		RedisRateLimiter limiter = RedisRateLimiter.builder(connector)
			.keys(new RedisKeys("rp"))
			.policies(List.of(policies))
			.overrides(Duration.ofMillis(100), 3, signals)
			.build();
		this.limiters.add(limiter);
		return limiter;
	}

	// --- waiting ------------------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void waitersOfTwoInstancesReserveExactlyWhatFitsWithinTheirWait(RateLimitAlgorithm algorithm) throws Exception {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(algorithm, 4, DAY);
		RedisRateLimiter first = limiter(connectorA, policy);
		RedisRateLimiter second = limiter(connectorB, policy);
		// what fits within the wait besides the 4 permits available now, per algorithm
		Duration maxWait;
		int expected;
		switch (algorithm) {
			case GCRA, TOKEN_BUCKET -> {
				// one permit returns every 6 hours: 6 and 12 hours ahead fit, 18 hours do not
				maxWait = Duration.ofHours(13);
				expected = 6;
			}
			case FIXED_WINDOW -> {
				// the next day's window starts within a day, the one after it does not
				maxWait = DAY;
				expected = 8;
			}
			case SLIDING_LOG -> {
				// each logged permit leaves the log a day after it was granted
				maxWait = DAY.plusHours(1);
				expected = 8;
			}
			default -> {
				// in the next window the 4 permits of this one weigh less and less: 3 fit, at 1/4, 2/4, 3/4 of it;
				// the wait ends halfway between the last of them and the start of the window after
				long now = redisMillis();
				long untilNextWindow = DAY.toMillis() - now % DAY.toMillis();
				maxWait = Duration.ofMillis(untilNextWindow + DAY.toMillis() * 7 / 8);
				expected = 7;
			}
		}
		Duration wait = maxWait;
		List<RateLimitDecision> decisions = concurrently(16, 4, (i) -> ((i % 2 == 0) ? first : second)
			.reserve(new RateLimitRequest(policy.name(), "hot", 1).withMaxWait(wait)));
		List<RateLimitDecision> allowed = decisions.stream().filter(RateLimitDecision::isAllowed).toList();
		assertThat(allowed).as("granted now or reserved").hasSize(expected);
		assertThat(allowed).filteredOn((decision) -> decision.waitTime().isZero()).as("granted now").hasSize(4);
		assertThat(allowed).allSatisfy((decision) -> assertThat(decision.waitTime()).isLessThanOrEqualTo(wait));
		assertThat(decisions).filteredOn((decision) -> !decision.isAllowed())
			.allSatisfy((refused) -> assertThat(refused.retryAfter()).as("refused: the permits fit only later")
				.isNotNull()
				.isGreaterThan(wait));
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void waitersAreServedInTheOrderTheyAskedAndNobodyTakesAReservedPermit(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(algorithm, 4, DAY);
		RedisRateLimiter first = limiter(connectorA, policy);
		RedisRateLimiter second = limiter(connectorB, policy);
		assertThat(first.tryAcquire(policy.name(), "q", 4).isAllowed()).isTrue();
		Duration previous = Duration.ZERO;
		for (int i = 0; i < 3; i++) {
			RateLimitDecision reserved = ((i % 2 == 0) ? second : first)
				.reserve(new RateLimitRequest(policy.name(), "q", 1).withMaxWait(DAY.multipliedBy(3)));
			assertThat(reserved.isAllowed()).as("reservation " + i).isTrue();
			assertThat(reserved.waitTime()).as("later callers queue behind earlier ones").isPositive()
				.isGreaterThanOrEqualTo(previous.minusSeconds(30));
			previous = reserved.waitTime();
			for (RedisRateLimiter limiter : List.of(first, second)) {
				assertThat(limiter.tryAcquire(policy.name(), "q").isAllowed())
					.as("a caller that does not wait cannot take a reserved permit")
					.isFalse();
			}
		}
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aCallerNeverWaitsForPermitsThatDoNotFitAndReservesNothing(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(algorithm, 4, DAY);
		RedisRateLimiter limiter = limiter(connectorA, policy);
		long start = System.nanoTime();
		assertThatThrownBy(() -> limiter.acquire(policy.name(), "n", 5, DAY.multipliedBy(10)))
			.isInstanceOfSatisfying(RateLimitExceededException.class,
					(ex) -> assertThat(ex.retryAfter()).as("can never fit").isNull());
		assertThat(limiter.acquire(policy.name(), "n", 3, Duration.ofSeconds(1)).waitTime()).isZero();
		RateLimitState before = limiter.inspect(policy.name(), "n");
		assertThatThrownBy(() -> limiter.acquire(policy.name(), "n", 2, Duration.ofSeconds(1)))
			.isInstanceOfSatisfying(RateLimitExceededException.class,
					(ex) -> assertThat(ex.retryAfter()).as("fits only after the wait").isGreaterThan(Duration.ofSeconds(1)));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once, not after waiting")
			.isLessThan(Duration.ofSeconds(30));
		assertThat(limiter.inspect(policy.name(), "n").remaining()).isEqualTo(before.remaining()).isEqualTo(1);
		assertThat(limiter.tryAcquire(policy.name(), "n").isAllowed()).as("the refused waiters took nothing").isTrue();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aWaitingCallerGetsItsPermitsWhenTheyAreDue(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(algorithm, 2, Duration.ofMillis(500));
		RedisRateLimiter limiter = limiter(connectorA, policy);
		RateLimitDecision waited = null;
		long calledAt = 0;
		// a fixed window can roll over between two calls; a few calls are enough to meet a full window
		for (int i = 0; i < 10 && waited == null; i++) {
			calledAt = System.nanoTime();
			RateLimitDecision decision = limiter.acquire(policy.name(), "w", 1, Duration.ofSeconds(20));
			if (!decision.waitTime().isZero()) {
				waited = decision;
			}
		}
		assertThat(waited).as("a call had to wait").isNotNull();
		assertThat(waited.isAllowed()).isTrue();
		assertThat(waited.waitTime()).isLessThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(Duration.ofNanos(System.nanoTime() - calledAt)).as("returned once the permit was due")
			.isGreaterThanOrEqualTo(waited.waitTime());
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void anAsynchronousWaitHoldsNoThreadAndCancellingItGivesThePermitsBack(RateLimitAlgorithm algorithm)
			throws Exception {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(algorithm, 4, DAY);
		RedisRateLimiter limiter = limiter(connectorA, policy);
		assertThat(limiter.tryAcquire(policy.name(), "c", 4).isAllowed()).isTrue();
		// a whole window's worth, so that every algorithm puts the next such request further ahead
		RateLimitRequest waiting = new RateLimitRequest(policy.name(), "c", 4).withMaxWait(DAY.multipliedBy(10));
		RateLimitDecision firstSlot = limiter.reserve(waiting);
		limiter.refund(firstSlot);
		Duration queued = firstSlot.waitTime().plusHours(1);
		CompletableFuture<RateLimitDecision> pending = limiter.tryAcquireAsync(waiting);
		await("reserved", () -> {
			RateLimitDecision probe = limiter.reserve(waiting);
			limiter.refund(probe);
			return probe.isAllowed() && probe.waitTime().compareTo(queued) > 0;
		});
		assertThat(pending).as("waits without blocking the caller").isNotDone();
		pending.cancel(false);
		// probes are given back at once; the cancelled reservation is given back without blocking
		await("the cancelled reservation was given back", () -> {
			RateLimitDecision probe = limiter.reserve(waiting);
			limiter.refund(probe);
			return probe.isAllowed() && probe.waitTime().compareTo(queued) < 0;
		});
		assertThatThrownBy(pending::join).isInstanceOf(CancellationException.class);
	}

	@Test
	void anInterruptedWaitGivesThePermitsBack() throws Exception {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(RateLimitAlgorithm.GCRA, 4, DAY);
		RedisRateLimiter limiter = limiter(connectorA, policy);
		assertThat(limiter.tryAcquire(policy.name(), "i", 4).isAllowed()).isTrue();
		Duration fullBefore = limiter.inspect(policy.name(), "i").resetAfter();
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				limiter.acquire(policy.name(), "i", 1, Duration.ofHours(13));
			}
			catch (Throwable ex) {
				outcome.set(ex);
			}
		});
		waiter.start();
		// once the reservation is in Redis, the waiter sleeps until it is due (6 hours); interrupted before
		// that, it would be an interrupted decision instead (see RedisRateLimiterOutageTests)
		await("reservation made", () -> limiter.inspect(policy.name(), "i").resetAfter()
			.compareTo(fullBefore.plusHours(5)) > 0);
		await("waiter sleeping until the reservation is due", () -> waiter.getState() == Thread.State.TIMED_WAITING
				&& java.util.Arrays.stream(waiter.getStackTrace())
					.anyMatch((frame) -> frame.getClassName().endsWith(".DueReservations")));
		waiter.interrupt();
		waiter.join(TimeUnit.SECONDS.toMillis(30));
		assertThat(outcome.get()).isInstanceOf(CancellationException.class);
		assertThat(limiter.inspect(policy.name(), "i").resetAfter()).as("given back")
			.isLessThan(fullBefore.plusHours(1));
	}

	// --- tiers --------------------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aTierHasItsOwnLimitsOnTheKeysBucketAcrossInstances(RateLimitAlgorithm algorithm) throws Exception {
		RateLimitPolicy base = RedisRateLimiterContractTests.policy(algorithm, 2, DAY);
		RateLimitPolicy tiered = base.withTier("gold", RedisRateLimiterContractTests.policy(algorithm, 6, DAY));
		RedisRateLimiter first = limiter(connectorA, tiered);
		RedisRateLimiter second = limiter(connectorB, tiered);
		List<RateLimitDecision> decisions = concurrently(8, 3, (i) -> ((i % 2 == 0) ? first : second)
			.tryAcquire(new RateLimitRequest(tiered.name(), "user", 1).withTier("gold")));
		assertThat(decisions).filteredOn(RateLimitDecision::isAllowed).hasSize(6);
		assertThat(decisions).allSatisfy((decision) -> {
			assertThat(decision.limit()).isEqualTo(6);
			assertThat(decision.tier()).isEqualTo("gold");
		});
		RateLimitDecision own = first.tryAcquire(new RateLimitRequest(tiered.name(), "user", 1));
		assertThat(own.isAllowed()).as("the policy's own settings see the same bucket").isFalse();
		assertThat(own.limit()).isEqualTo(2);
		assertThat(own.tier()).isNull();
		RateLimitDecision unknown = second.tryAcquire(new RateLimitRequest(tiered.name(), "other", 1).withTier("tin"));
		assertThat(unknown.tier()).as("an unknown tier uses the policy's own settings").isNull();
		assertThat(unknown.limit()).isEqualTo(2);
		assertThat(second.tryAcquire(new RateLimitRequest(tiered.name(), "other", 1).withTier("tin")).isAllowed())
			.isTrue();
		assertThat(second.tryAcquire(new RateLimitRequest(tiered.name(), "other", 1).withTier("tin")).isAllowed())
			.isFalse();
	}

	@Test
	void aTierWithAnotherAlgorithmHasItsOwnBucket() {
		RateLimitPolicy base = RedisRateLimiterContractTests.policy(RateLimitAlgorithm.FIXED_WINDOW, 1, DAY);
		RateLimitPolicy tiered = base.withTier("burst", RateLimitPolicy.tokenBucket("ignored", 3, 0.0001));
		RedisRateLimiter limiter = limiter(connectorA, tiered);
		assertThat(limiter.tryAcquire(tiered.name(), "k").isAllowed()).isTrue();
		RateLimitRequest burst = new RateLimitRequest(tiered.name(), "k", 3).withTier("burst");
		RateLimitDecision decision = limiter.tryAcquire(burst);
		assertThat(decision.isAllowed()).isTrue();
		assertThat(decision.policy().algorithm()).isEqualTo(RateLimitAlgorithm.TOKEN_BUCKET);
		assertThat(decision.policy().name()).isEqualTo(tiered.name());
	}

	// --- overrides ----------------------------------------------------------------------------------------

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void anOverrideSetOnOneInstanceAppliesOnTheOtherWithExactCounts(RateLimitAlgorithm algorithm) throws Exception {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(algorithm, 10, DAY);
		RedisRateLimiter first = withOverrides(connectorA, signalsA, policy);
		RedisRateLimiter second = withOverrides(connectorB, signalsB, policy);
		first.overrides().set(policy.name(), RateLimitOverride.limit(3));
		await("the other instance applies it", () -> second.overrides().list().size() == 1);
		List<RateLimitDecision> decisions = concurrently(8, 2,
				(i) -> ((i % 2 == 0) ? first : second).tryAcquire(policy.name(), "hot"));
		assertThat(decisions).filteredOn(RateLimitDecision::isAllowed).hasSize(3);
		assertThat(decisions).allSatisfy((decision) -> assertThat(decision.limit()).isEqualTo(3));

		second.overrides().set(policy.name(), "vip", RateLimitOverride.limit(5));
		await("the key's override arrives", () -> first.overrides().list().size() == 2);
		assertThat(first.tryAcquire(policy.name(), "vip", 5).isAllowed()).as("the key's override wins").isTrue();
		assertThat(second.tryAcquire(policy.name(), "vip").isAllowed()).isFalse();
		assertThat(second.tryAcquire(policy.name(), "plain", 4).isAllowed()).as("other keys: the policy's").isFalse();

		assertThat(first.overrides().clear(policy.name())).isTrue();
		assertThat(first.overrides().clear(policy.name(), "vip")).isTrue();
		assertThat(first.overrides().clear(policy.name(), "vip")).as("nothing left to clear").isFalse();
		await("the other instance drops them", () -> second.overrides().list().isEmpty());
		assertThat(second.tryAcquire(policy.name(), "fresh", 10).isAllowed()).as("configured limit again").isTrue();
	}

	@Test
	void anInstanceWithoutPubSubPicksOverridesUpByPolling() {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(RateLimitAlgorithm.GCRA, 10, DAY);
		RedisRateLimiter writer = withOverrides(connectorA, signalsA, policy);
		RedisRateLimiter polling = RedisRateLimiter.builder(connectorB)
			.keys(new RedisKeys("rp"))
			.policy(policy)
			.overrides(Duration.ofMillis(100), 3, null)
			.build();
		this.limiters.add(polling);
		writer.overrides().set(policy.name(), RateLimitOverride.limit(1).withWindow(Duration.ofHours(2)));
		await("polled", () -> polling.overrides().list().size() == 1);
		assertThat(polling.tryAcquire(policy.name(), "p").isAllowed()).isTrue();
		RateLimitDecision second = polling.tryAcquire(policy.name(), "p");
		assertThat(second.isAllowed()).isFalse();
		assertThat(second.limit()).isEqualTo(1);
		assertThat(polling.policy(policy.name()).limit()).as("the configured policy itself is unchanged")
			.isEqualTo(10);
	}

	@Test
	void overridesSurviveARestartAndExpireTogetherWithTheirKey() {
		RateLimitPolicy policy = RedisRateLimiterContractTests.policy(RateLimitAlgorithm.TOKEN_BUCKET, 10, DAY);
		RedisRateLimiter before = withOverrides(connectorA, signalsA, policy);
		before.overrides()
			.set(policy.name(), RateLimitOverride.limit(2).withRefillRate(0.0001).expiringAfter(Duration.ofSeconds(3)));
		before.close();
		RedisRateLimiter restarted = withOverrides(connectorB, signalsB, policy);
		assertThat(restarted.overrides().list()).as("read at start").singleElement().satisfies((entry) -> {
			assertThat(entry.override().limit()).isEqualTo(2);
			assertThat(entry.expiresIn()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(3));
		});
		assertThat(restarted.tryAcquire(policy.name(), "k", 3).isAllowed()).isFalse();
		byte[] hash = new RedisKeys("rp").key(RedisRateLimitOverrides.AREA, "overrides").getBytes(StandardCharsets.UTF_8);
		assertThat(connectorB.await(connectorB.commands().pttl(hash))).as("the hash expires with its last entry")
			.isPositive()
			.isLessThanOrEqualTo(3000);
		await("expired", () -> restarted.overrides().list().isEmpty());
		assertThat(restarted.tryAcquire(policy.name(), "k", 3).isAllowed()).isTrue();
	}

	@Test
	void overridesAreBoundedAndChecked() {
		RateLimitPolicy bucket = RateLimitPolicy.tokenBucket("tb-" + System.nanoTime(), 5, 1);
		RedisRateLimiter limiter = withOverrides(connectorA, signalsA, bucket);
		RedisRateLimitOverrides overrides = limiter.overrides();
		assertThatThrownBy(() -> overrides.set("missing", RateLimitOverride.limit(1)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> overrides.set(bucket.name(), RateLimitOverride.limit(1).withWindow(DAY)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("no window");
		for (int i = 0; i < 3; i++) {
			overrides.set(bucket.name(), "k" + i, RateLimitOverride.limit(1));
		}
		overrides.set(bucket.name(), "k0", RateLimitOverride.limit(2));
		assertThatThrownBy(() -> overrides.set(bucket.name(), "k3", RateLimitOverride.limit(1)))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("redis.patterns.rate-limit.overrides.max-entries");
		assertThat(overrides.list()).hasSize(3);
	}

	// --- helpers ------------------------------------------------------------------------------------------

	/** Runs {@code attempts} calls on each of {@code threads} threads, all released at once. */
	static List<RateLimitDecision> concurrently(int threads, int attempts,
			java.util.function.IntFunction<RateLimitDecision> call) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<RateLimitDecision> decisions = Collections.synchronizedList(new ArrayList<>());
		List<Future<?>> futures = new ArrayList<>();
		AtomicInteger sequence = new AtomicInteger();
		try {
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < attempts; i++) {
						decisions.add(call.apply(thread));
						sequence.incrementAndGet();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(sequence).hasValue(threads * attempts);
		return decisions;
	}

	static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			RedisRateLimiterContractTests.sleep(20);
		}
	}

	static long redisMillis() {
		List<?> time = (List<?>) redis.command("TIME");
		return Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000;
	}

}
