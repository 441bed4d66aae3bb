package dev.redispatterns.cache;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.CLUSTER)
class CacheSingleFlightClusterTests extends CacheSingleFlightContractTests {

	CacheSingleFlightClusterTests(RedisDeployment redis) {
		super(redis);
	}

}
