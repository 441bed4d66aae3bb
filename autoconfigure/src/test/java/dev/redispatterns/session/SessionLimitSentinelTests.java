package dev.redispatterns.session;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.SENTINEL)
class SessionLimitSentinelTests extends SessionLimitContractTests {

	SessionLimitSentinelTests(RedisDeployment redis) {
		super(redis);
	}

}
