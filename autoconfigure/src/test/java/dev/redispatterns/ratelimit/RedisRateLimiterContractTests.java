package dev.redispatterns.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.test.AfterTopology;
import dev.redispatterns.test.BeforeTopology;
import dev.redispatterns.test.EnabledOnTopology;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every algorithm guarantees, run against every topology. Two engines with their
 * own connections stand for two application instances.
 */
@Tag("portable")
@RedisTopologies
class RedisRateLimiterContractTests {

	static RedisDeployment redis;

	static RedisConnectionFactory factoryA;

	static RedisConnectionFactory factoryB;

	static RedisConnector connectorA;

	static RedisConnector connectorB;

	private static final AtomicInteger SEQUENCE = new AtomicInteger();

	@BeforeTopology
	static void connect(RedisDeployment deployment) {
		redis = deployment;
		factoryA = RedisConnectionFactories.of(deployment);
		factoryB = RedisConnectionFactories.of(deployment);
		connectorA = new RedisConnector(factoryA, Duration.ofSeconds(5));
		connectorB = new RedisConnector(factoryB, Duration.ofSeconds(5));
	}

	@AfterTopology
	static void disconnect() {
		connectorA.destroy();
		connectorB.destroy();
		RedisConnectionFactories.destroy(factoryA);
		RedisConnectionFactories.destroy(factoryB);
	}

	/** A policy of the algorithm with {@code limit} per {@code window} (token bucket: capacity, refilled in window). */
	static RateLimitPolicy policy(RateLimitAlgorithm algorithm, long limit, Duration window) {
		String name = algorithm.configName() + "-" + SEQUENCE.incrementAndGet();
		if (algorithm == RateLimitAlgorithm.TOKEN_BUCKET) {
			return RateLimitPolicy.tokenBucket(name, limit, limit / (window.toNanos() / 1e9));
		}
		return RateLimitPolicy.of(name, algorithm, limit, window);
	}

	static RedisRateLimiter limiter(RedisConnector connector, RateLimitPolicy... policies) {
		return RedisRateLimiter.builder(connector).keys(new RedisKeys("rp")).policies(List.of(policies)).build();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void concurrentCallersOfTwoInstancesGetExactlyTheLimit(RateLimitAlgorithm algorithm) throws Exception {
		// A day-long window: no capacity returns while the test runs.
		RateLimitPolicy policy = policy(algorithm, 40, Duration.ofDays(1));
		RedisRateLimiter first = limiter(connectorA, policy);
		RedisRateLimiter second = limiter(connectorB, policy);
		int threads = 8;
		int attempts = 15;
		ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger allowed = new AtomicInteger();
		AtomicInteger rejected = new AtomicInteger();
		List<Future<?>> futures = new ArrayList<>();
		try {
			for (int t = 0; t < threads * 2; t++) {
				RedisRateLimiter limiter = (t % 2 == 0) ? first : second;
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < attempts; i++) {
						RateLimitDecision decision = limiter.tryAcquire(policy.name(), "hot");
						assertThat(decision.outcome()).isIn(RateLimitOutcome.ALLOWED, RateLimitOutcome.REJECTED);
						(decision.isAllowed() ? allowed : rejected).incrementAndGet();
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
		assertThat(allowed.get()).as("allowed").isEqualTo(40);
		assertThat(rejected.get()).as("rejected").isEqualTo(threads * 2 * attempts - 40);
		assertThat(first.tryAcquire(policy.name(), "other").isAllowed()).as("other keys are independent").isTrue();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void rejectedRequestsConsumeNothing(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = policy(algorithm, 5, Duration.ofDays(1));
		RedisRateLimiter limiter = limiter(connectorA, policy);
		assertThat(limiter.tryAcquire(policy.name(), "k", 3).isAllowed()).isTrue();
		for (int i = 0; i < 20; i++) {
			RateLimitDecision refused = limiter.tryAcquire(policy.name(), "k", 3);
			assertThat(refused.outcome()).isEqualTo(RateLimitOutcome.REJECTED);
			assertThat(refused.remaining()).isEqualTo(2);
			assertThat(refused.retryAfter()).isNotNull().isPositive();
		}
		RateLimitDecision rest = limiter.tryAcquire(policy.name(), "k", 2);
		assertThat(rest.isAllowed()).as("the refused calls took nothing").isTrue();
		assertThat(rest.remaining()).isZero();
		assertThat(limiter.tryAcquire(policy.name(), "k").isAllowed()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void severalPermitsAtOnce(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = policy(algorithm, 10, Duration.ofDays(1));
		RedisRateLimiter limiter = limiter(connectorA, policy);
		RateLimitDecision four = limiter.tryAcquire(policy.name(), "p", 4);
		assertThat(four.isAllowed()).isTrue();
		assertThat(four.remaining()).isEqualTo(6);
		assertThat(four.limit()).isEqualTo(10);
		assertThat(four.resetAfter()).isPositive().isLessThanOrEqualTo(Duration.ofDays(2));
		assertThat(limiter.tryAcquire(policy.name(), "p", 6).remaining()).isZero();
		assertThat(limiter.tryAcquire(policy.name(), "p", 1).isAllowed()).isFalse();
		RateLimitDecision tooMany = limiter.tryAcquire(policy.name(), "fresh", 11);
		assertThat(tooMany.isAllowed()).as("more than the limit can never pass").isFalse();
		assertThat(tooMany.retryAfter()).isNull();
		assertThat(limiter.tryAcquire(policy.name(), "fresh", 10).isAllowed()).isTrue();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void capacityReturnsOnSchedule(RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = policy(algorithm, 2, Duration.ofMillis(600));
		RedisRateLimiter limiter = limiter(connectorA, policy);
		// Start right after a grant, so the window algorithms do not roll over between the calls below.
		awaitAllowed(limiter, policy, "s", Duration.ofSeconds(5));
		RateLimitDecision second = limiter.tryAcquire(policy.name(), "s");
		if (second.isAllowed()) {
			second = null;
		}
		long before = System.nanoTime();
		RateLimitDecision refused = limiter.tryAcquire(policy.name(), "s");
		if (refused.isAllowed()) {
			// a fixed window rolled over in between: take what is left
			before = System.nanoTime();
			refused = limiter.tryAcquire(policy.name(), "s");
			while (refused.isAllowed()) {
				before = System.nanoTime();
				refused = limiter.tryAcquire(policy.name(), "s");
			}
		}
		assertThat(refused.outcome()).isEqualTo(RateLimitOutcome.REJECTED);
		Duration retryAfter = refused.retryAfter();
		assertThat(retryAfter).isNotNull().isPositive().isLessThanOrEqualTo(Duration.ofMillis(1200));
		Duration waited = awaitAllowed(limiter, policy, "s", retryAfter.plusSeconds(5), before);
		assertThat(waited).as("capacity is back no earlier than announced")
			.isGreaterThanOrEqualTo(retryAfter.minusMillis(2));
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void everyKeyWrittenHasATimeToLive(RateLimitAlgorithm algorithm) throws Exception {
		RateLimitPolicy policy = policy(algorithm, 3, Duration.ofMinutes(5));
		RedisRateLimiter limiter = limiter(connectorA, policy);
		for (int i = 0; i < 10; i++) {
			limiter.tryAcquire(policy.name(), "ttl-" + (i % 4), 1 + (i % 2));
		}
		List<String> keys = new ArrayList<>();
		for (Object reply : redis.onEveryMaster("KEYS", "rp:rl:" + policy.name() + ":*")) {
			for (Object key : (List<?>) reply) {
				keys.add(key instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : key.toString());
			}
		}
		assertThat(keys).hasSize(4);
		for (String key : keys) {
			Long ttl = connectorA.await(connectorA.commands().pttl(key.getBytes(StandardCharsets.UTF_8)));
			assertThat(ttl).as("PTTL of " + key).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
		}
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aRefusedCallOfSeveralLimitsGivesBackWhatTheEarlierOnesGranted(RateLimitAlgorithm algorithm) {
		RateLimitPolicy perUser = policy(algorithm, 5, Duration.ofDays(1));
		RateLimitPolicy global = policy(RateLimitAlgorithm.FIXED_WINDOW, 1, Duration.ofDays(1));
		RedisRateLimiter limiter = limiter(connectorA, perUser, global);
		List<RateLimitRequest> both = List.of(new RateLimitRequest(perUser.name(), "u", 1),
				new RateLimitRequest(global.name(), "all", 1));
		assertThat(limiter.tryAcquireAll(both)).hasSize(2).allMatch(RateLimitDecision::isAllowed);
		List<RateLimitDecision> refused = limiter.tryAcquireAll(both);
		assertThat(refused).hasSize(2);
		assertThat(refused.get(0).isAllowed()).isTrue();
		assertThat(refused.get(1).isAllowed()).isFalse();
		assertThat(limiter.tryAcquire(perUser.name(), "u", 4).isAllowed())
			.as("the per-user permit of the refused call was given back")
			.isTrue();
		assertThat(limiter.tryAcquire(perUser.name(), "u").isAllowed()).isFalse();
	}

	@Test
	void asynchronousDecisionsAgreeWithSynchronousOnes() throws Exception {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.GCRA, 3, Duration.ofDays(1));
		RedisRateLimiter limiter = limiter(connectorA, policy);
		assertThat(limiter.tryAcquireAsync(policy.name(), "a", 2).get(5, TimeUnit.SECONDS).remaining()).isEqualTo(1);
		assertThat(limiter.tryAcquire(policy.name(), "a").remaining()).isZero();
		assertThat(limiter.tryAcquireAsync(policy.name(), "a", 1).get(5, TimeUnit.SECONDS).isAllowed()).isFalse();
		RateLimitPolicy other = policy(RateLimitAlgorithm.SLIDING_LOG, 1, Duration.ofDays(1));
		limiter.register(other);
		List<RateLimitDecision> all = limiter
			.tryAcquireAllAsync(List.of(new RateLimitRequest(other.name(), "a", 1), new RateLimitRequest(policy.name(), "a", 1)))
			.get(5, TimeUnit.SECONDS);
		assertThat(all).hasSize(2);
		assertThat(all.get(1).isAllowed()).isFalse();
		awaitAllowed(limiter, other, "a", Duration.ofSeconds(5));
	}

	@Test
	void keysOfApplicationDataCannotChooseTheirSlotOrShape() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.FIXED_WINDOW, 1, Duration.ofMinutes(1));
		RedisRateLimiter limiter = limiter(connectorA, policy);
		assertThat(new String(limiter.redisKey(policy.name(), "user-1"), StandardCharsets.UTF_8))
			.isEqualTo("rp:rl:" + policy.name() + ":fw:user-1");
		assertThat(new String(limiter.redisKey(policy.name(), "{x}\u00e9"), StandardCharsets.UTF_8))
			.isEqualTo("rp:rl:" + policy.name() + ":fw:" + RedisKeys.escape("{x}\u00e9"))
			.doesNotContain("{");
		assertThat(limiter.tryAcquire(policy.name(), "{x}\u00e9").isAllowed()).isTrue();
		assertThat(limiter.tryAcquire(policy.name(), "{x}\u00e9").isAllowed()).isFalse();
	}

	@Test
	void unknownPoliciesAndInvalidPermitsAreProgrammingErrors() {
		RedisRateLimiter limiter = limiter(connectorA);
		assertThatThrownBy(() -> limiter.tryAcquire("missing", "k")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("redis.patterns.rate-limit.policies.missing");
		RateLimitPolicy policy = policy(RateLimitAlgorithm.GCRA, 1, Duration.ofMinutes(1));
		limiter.register(policy);
		assertThatThrownBy(() -> limiter.tryAcquire(policy.name(), "k", 0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> limiter.register(RateLimitPolicy.of(policy.name(), RateLimitAlgorithm.GCRA, 2,
				Duration.ofMinutes(1)))).isInstanceOf(IllegalStateException.class);
	}

	static Duration awaitAllowed(RateLimiter limiter, RateLimitPolicy policy, String key, Duration timeout) {
		return awaitAllowed(limiter, policy, key, timeout, System.nanoTime());
	}

	/** Polls (refused polls consume nothing) until a permit is granted; returns the time since {@code since}. */
	static Duration awaitAllowed(RateLimiter limiter, RateLimitPolicy policy, String key, Duration timeout, long since) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			RateLimitDecision decision = limiter.tryAcquire(policy.name(), key);
			if (decision.isAllowed()) {
				return Duration.ofNanos(System.nanoTime() - since);
			}
			assertThat(System.nanoTime()).as("permit granted before the deadline").isLessThan(deadline);
			sleep(10);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	// cluster only

	@Test
	@EnabledOnTopology(Topology.CLUSTER)
	void bucketsSpreadOverEveryMaster() {
		RateLimitPolicy policy = policy(RateLimitAlgorithm.SLIDING_WINDOW, 5, Duration.ofMinutes(1));
		RedisRateLimiter limiter = limiter(connectorA, policy);
		for (int i = 0; i < 60; i++) {
			assertThat(limiter.tryAcquire(policy.name(), "user-" + i).isAllowed()).isTrue();
		}
		List<Object> sizes = redis.onEveryMaster("DBSIZE");
		assertThat(sizes).hasSizeGreaterThan(1).allMatch((size) -> ((Long) size) > 0);
	}

}
