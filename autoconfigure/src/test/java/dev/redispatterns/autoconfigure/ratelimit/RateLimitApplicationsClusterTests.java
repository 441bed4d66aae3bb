package dev.redispatterns.autoconfigure.ratelimit;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.CLUSTER)
class RateLimitApplicationsClusterTests extends RateLimitApplicationsContractTests {

	RateLimitApplicationsClusterTests(RedisDeployment redis) {
		super(redis);
	}

}
