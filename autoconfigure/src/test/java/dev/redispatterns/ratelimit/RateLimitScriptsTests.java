package dev.redispatterns.ratelimit;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No client clock takes part in a decision: every script reads {@code TIME} from Redis, and what the
 * client sends depends only on the policy and the permits. Two instances whose clocks disagree therefore
 * send identical requests and get identical answers.
 */
class RateLimitScriptsTests {

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void everyScriptTakesTheTimeFromRedis(RateLimitAlgorithm algorithm) {
		String source = algorithm.script().source();
		assertThat(source).contains("redis.call('TIME')");
		assertThat(source).as("one key, hence one slot").doesNotContain("KEYS[2]");
		assertThat(source).as("every write sets a TTL").satisfiesAnyOf((s) -> assertThat(s).contains("PEXPIRE"),
				(s) -> assertThat(s).contains("'PX'"));
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void scriptArgumentsDependOnlyOnThePolicyAndThePermits(RateLimitAlgorithm algorithm) throws Exception {
		RateLimitPolicy policy = (algorithm == RateLimitAlgorithm.TOKEN_BUCKET)
				? RateLimitPolicy.tokenBucket("p", 10, 2.5) : RateLimitPolicy.of("p", algorithm, 10, Duration.ofSeconds(7));
		byte[][] first = policy.scriptArguments(3);
		Thread.sleep(25);
		byte[][] later = policy.scriptArguments(3);
		assertThat(first.length).isEqualTo(later.length);
		for (int i = 0; i < first.length; i++) {
			if (algorithm == RateLimitAlgorithm.SLIDING_LOG && i == 3) {
				assertThat(first[i]).as("sliding-log member nonce is unique per call").isNotEqualTo(later[i]);
				continue;
			}
			assertThat(first[i]).as("argument " + i).isEqualTo(later[i]);
		}
		long now = System.currentTimeMillis();
		for (byte[] argument : first) {
			String text = new String(argument, java.nio.charset.StandardCharsets.US_ASCII);
			assertThat(text).as("no timestamp is sent").doesNotContain(Long.toString(now / 100_000));
		}
	}

}
