package dev.redispatterns.ratelimit;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(topology = Topology.CLUSTER)
class RedisRateLimiterClusterTests extends RedisRateLimiterContractTests {

	@Test
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
