package dev.redispatterns.autoconfigure.ratelimit;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.SENTINEL)
class RateLimitApplicationsSentinelTests extends RateLimitApplicationsContractTests {

	RateLimitApplicationsSentinelTests(RedisDeployment redis) {
		super(redis);
	}

}
