package dev.redispatterns.session;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.CLUSTER)
class SessionEventsClusterTests extends SessionEventsContractTests {

	SessionEventsClusterTests(RedisDeployment redis) {
		super(redis);
	}

}
