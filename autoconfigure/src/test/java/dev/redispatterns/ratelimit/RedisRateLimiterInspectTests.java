package dev.redispatterns.ratelimit;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-only inspect of one bucket agrees with what the algorithm's own script decides, for every
 * algorithm, and never writes; reset gives the full limit back.
 */
@RedisTest
class RedisRateLimiterInspectTests {

	private static LettuceConnectionFactory factory;

	private static RedisConnector connector;

	private static RedisRateLimiter limiter;

	@BeforeAll
	static void connect(RedisDeployment redis) {
		factory = RedisConnectionFactories.lettuce(redis);
		connector = new RedisConnector(factory, Duration.ofSeconds(5));
		List<RateLimitPolicy> policies = List.of(policy(RateLimitAlgorithm.FIXED_WINDOW),
				policy(RateLimitAlgorithm.SLIDING_WINDOW), policy(RateLimitAlgorithm.SLIDING_LOG),
				policy(RateLimitAlgorithm.GCRA), RateLimitPolicy.tokenBucket("token-bucket", 10, 0.001));
		limiter = RedisRateLimiter.builder(connector).keys(new RedisKeys("rp")).policies(policies).build();
	}

	@AfterAll
	static void disconnect() {
		connector.destroy();
		factory.destroy();
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void inspectShowsWhatTheLastDecisionLeftWithoutChangingIt(RateLimitAlgorithm algorithm) {
		String policy = algorithm.configName();
		String key = "client-" + System.nanoTime();
		RateLimitDecision last = null;
		for (int i = 0; i < 3; i++) {
			last = limiter.tryAcquire(policy, key, 1);
			assertThat(last.isAllowed()).isTrue();
		}
		RateLimitState state = limiter.inspect(policy, key);
		assertThat(state.exists()).isTrue();
		assertThat(state.limit()).isEqualTo(10);
		assertThat(state.remaining()).isEqualTo(last.remaining()).isEqualTo(7);
		assertThat(state.resetAfter()).isPositive().isLessThanOrEqualTo(last.resetAfter().plusSeconds(1));
		assertThat(state.timeToLive()).isPositive();
		assertThat(limiter.inspect(policy, key).remaining()).as("inspecting consumed nothing").isEqualTo(7);
		assertThat(limiter.tryAcquire(policy, key, 1).remaining()).isEqualTo(6);
		assertThat(limiter.reset(policy, key)).isTrue();
		assertThat(limiter.inspect(policy, key).remaining()).isEqualTo(10);
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void inspectOfAnUnknownKeyShowsTheFullLimitAndCreatesNothing(RateLimitAlgorithm algorithm) {
		String policy = algorithm.configName();
		RateLimitState state = limiter.inspect(policy, "never-seen");
		assertThat(state.exists()).isFalse();
		assertThat(state.remaining()).isEqualTo(10);
		assertThat(state.resetAfter()).isZero();
		assertThat(state.timeToLive()).isNull();
		assertThat(connector.await(connector.commands().pttl(limiter.redisKey(policy, "never-seen")))).as("no key")
			.isEqualTo(-2L);
		assertThat(limiter.reset(policy, "never-seen")).isFalse();
	}

	private static RateLimitPolicy policy(RateLimitAlgorithm algorithm) {
		// an hour: windows aligned on Redis time do not roll over during the test
		return RateLimitPolicy.of(algorithm.configName(), algorithm, 10, Duration.ofHours(1));
	}

}
