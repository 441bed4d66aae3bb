package dev.redispatterns.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.observability.RateLimitMetrics;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key Redis refused is refused on this instance without a round trip until the time Redis gave, never
 * while Redis would take it, and asked again when a refund, a reset, another tier or a long enough wait
 * could change the answer.
 */
@RedisTest
class LocalRejectionsTests {

	private static final Pattern EVALSHA_CALLS = Pattern.compile("cmdstat_evalsha:calls=(\\d+)");

	private static RedisDeployment redis;

	private static LettuceConnectionFactory factory;

	private static RedisConnector connector;

	private static SimpleMeterRegistry registry;

	private static RedisRateLimiter limiter;

	@BeforeAll
	static void connect(RedisDeployment deployment) {
		redis = deployment;
		factory = RedisConnectionFactories.lettuce(redis);
		connector = new RedisConnector(factory, Duration.ofSeconds(5));
		registry = new SimpleMeterRegistry();
		limiter = RedisRateLimiter.builder(connector)
			.keys(new RedisKeys("rp"))
			.listener(new RateLimitMetrics(registry))
			.localRejections(10_000)
			.policies(policies("", Duration.ofMinutes(1)))
			.policies(policies("short-", Duration.ofMillis(400)))
			.policy(RateLimitPolicy.of("tiered", RateLimitAlgorithm.FIXED_WINDOW, 2, Duration.ofMinutes(1))
				.withTier("pro", RateLimitPolicy.of("pro", RateLimitAlgorithm.FIXED_WINDOW, 10, Duration.ofMinutes(1))))
			.build();
	}

	/** One policy per algorithm, 3 permits per window (the token bucket: capacity 3, refilled in a window). */
	private static List<RateLimitPolicy> policies(String prefix, Duration window) {
		return List.of(RateLimitAlgorithm.values())
			.stream()
			.map((algorithm) -> (algorithm == RateLimitAlgorithm.TOKEN_BUCKET)
					? RateLimitPolicy.tokenBucket(prefix + algorithm.configName(), 3, 3 / (window.toMillis() / 1000.0))
					: RateLimitPolicy.of(prefix + algorithm.configName(), algorithm, 3, window))
			.toList();
	}

	@AfterAll
	static void disconnect() {
		connector.destroy();
		factory.destroy();
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aHammeredKeyCostsNoRoundTripUntilRedisTakesItAgain(RateLimitAlgorithm algorithm) {
		String policy = algorithm.configName();
		String key = "hammer-" + System.nanoTime();
		for (int i = 0; i < 3; i++) {
			assertThat(limiter.tryAcquire(policy, key, 1).isAllowed()).isTrue();
		}
		RateLimitDecision fromRedis = limiter.tryAcquire(policy, key, 1);
		assertThat(fromRedis.outcome()).isEqualTo(RateLimitOutcome.REJECTED);
		assertThat(fromRedis.isLocal()).isFalse();
		double counted = localRejections(policy);
		long calls = evalshaCalls();
		for (int i = 0; i < 30; i++) {
			RateLimitDecision decision = (i % 2 == 0) ? limiter.tryAcquire(policy, key, 1)
					: limiter.tryAcquireAsync(policy, key, 2).join();
			assertThat(decision.outcome()).isEqualTo(RateLimitOutcome.REJECTED);
			assertThat(decision.isLocal()).isTrue();
			assertThat(decision.retryAfter()).isPositive().isLessThanOrEqualTo(fromRedis.retryAfter().plusMillis(1));
			assertThat(decision.remaining()).isEqualTo(fromRedis.remaining());
		}
		assertThat(evalshaCalls() - calls).as("round trips of the refused calls").isZero();
		assertThat(localRejections(policy) - counted).isEqualTo(30);
		assertThat(limiter.tryAcquire(policy, "other-" + key, 1).isAllowed()).as("another key").isTrue();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void aKeyIsNeverRefusedLocallyWhileRedisWouldTakeIt(RateLimitAlgorithm algorithm) {
		String policy = "short-" + algorithm.configName();
		String key = "edge-" + System.nanoTime();
		int local = 0;
		int allowedAfterLocal = 0;
		long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
		while (System.nanoTime() - end < 0) {
			// Redis only empties a bucket with time: room seen before the call is room at the call
			long roomBefore = limiter.inspect(policy, key).remaining();
			RateLimitDecision decision = limiter.tryAcquire(policy, key, 1);
			if (decision.isLocal()) {
				assertThat(roomBefore).as("room in Redis just before a local refusal").isZero();
				local++;
			}
			else if (decision.isAllowed() && local > 0) {
				allowedAfterLocal++;
			}
		}
		assertThat(local).as("local refusals").isPositive();
		assertThat(allowedAfterLocal).as("grants once Redis took the key again").isPositive();
	}

	@Test
	void aPermitGivenBackOnThisInstanceLetsTheKeyInAtOnce() {
		String key = "refund-" + System.nanoTime();
		RateLimitDecision first = limiter.tryAcquire("token-bucket", key, 1);
		limiter.tryAcquire("token-bucket", key, 2);
		assertThat(limiter.tryAcquire("token-bucket", key, 1).isLocal()).isFalse();
		assertThat(limiter.tryAcquire("token-bucket", key, 1).isLocal()).isTrue();
		limiter.refund(first);
		RateLimitDecision after = limiter.tryAcquire("token-bucket", key, 1);
		assertThat(after.isAllowed()).isTrue();
	}

	@Test
	void aResetOnThisInstanceLetsTheKeyInAtOnce() {
		String key = "reset-" + System.nanoTime();
		limiter.tryAcquire("gcra", key, 3);
		assertThat(limiter.tryAcquire("gcra", key, 1).isLocal()).isFalse();
		assertThat(limiter.tryAcquire("gcra", key, 1).isLocal()).isTrue();
		assertThat(limiter.reset("gcra", key)).isTrue();
		assertThat(limiter.tryAcquire("gcra", key, 1).isAllowed()).isTrue();
	}

	@Test
	void fewerPermitsAnotherTierOrAWaitCoveringTheRefusalAreAskedOfRedis() {
		String key = "variant-" + System.nanoTime();
		assertThat(limiter.tryAcquire("fixed-window", key, 2).isAllowed()).isTrue();
		assertThat(limiter.tryAcquire("fixed-window", key, 3).isLocal()).isFalse();
		assertThat(limiter.tryAcquire("fixed-window", key, 1).isAllowed()).as("fewer permits").isTrue();

		String tiered = "tier-" + System.nanoTime();
		limiter.tryAcquire("tiered", tiered, 2);
		assertThat(limiter.tryAcquire(new RateLimitRequest("tiered", tiered, 1)).isLocal()).isFalse();
		assertThat(limiter.tryAcquire(new RateLimitRequest("tiered", tiered, 1)).isLocal()).isTrue();
		assertThat(limiter.tryAcquire(new RateLimitRequest("tiered", tiered, 1).withTier("pro")).isAllowed())
			.as("another tier").isTrue();

		String waiting = "wait-" + System.nanoTime();
		limiter.tryAcquire("fixed-window", waiting, 3);
		RateLimitDecision refused = limiter.tryAcquire("fixed-window", waiting, 1);
		assertThat(refused.isLocal()).isFalse();
		RateLimitDecision reserved = limiter
			.reserve(new RateLimitRequest("fixed-window", waiting, 1).withMaxWait(Duration.ofMinutes(2)));
		assertThat(reserved.isAllowed()).as("a wait covering the refusal").isTrue();
		assertThat(reserved.waitTime()).isPositive();
		assertThat(limiter.reserve(new RateLimitRequest("fixed-window", waiting, 1).withMaxWait(Duration.ofMillis(1)))
			.isLocal()).as("a wait that does not").isTrue();
	}

	@Test
	void aRefusalIsThrownWithoutAStackTraceButWithItsMessage() {
		String key = "thrown-" + System.nanoTime();
		limiter.tryAcquire("fixed-window", key, 3);
		RateLimitDecision refused = limiter.tryAcquire("fixed-window", key, 1);
		RuntimeException exception = RateLimiter.exceptionFor(refused, List.of(refused));
		assertThat(exception).isInstanceOf(RateLimitExceededException.class)
			.hasMessageStartingWith("Rate limit 'fixed-window' exceeded: limit 3, remaining 0, retry after ");
		assertThat(exception.getStackTrace()).isEmpty();
	}

	@Test
	void offByDefaultEveryDecisionIsRedis() {
		RedisRateLimiter plain = RedisRateLimiter.builder(connector)
			.keys(new RedisKeys("rp"))
			.policy(RateLimitPolicy.of("off", RateLimitAlgorithm.FIXED_WINDOW, 1, Duration.ofMinutes(1)))
			.build();
		plain.tryAcquire("off", "k", 1);
		long calls = evalshaCalls();
		for (int i = 0; i < 5; i++) {
			RateLimitDecision decision = plain.tryAcquire("off", "k", 1);
			assertThat(decision.isAllowed()).isFalse();
			assertThat(decision.isLocal()).isFalse();
		}
		assertThat(evalshaCalls() - calls).isEqualTo(5);
	}

	private static double localRejections(String policy) {
		var counter = registry.find(RateLimitMetrics.LOCAL_REJECTIONS).tag("policy", policy).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static long evalshaCalls() {
		Object info = redis.command("INFO", "commandstats");
		String text = (info instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(info);
		Matcher matcher = EVALSHA_CALLS.matcher(text);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

}
