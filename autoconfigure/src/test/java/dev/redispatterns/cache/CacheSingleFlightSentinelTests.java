package dev.redispatterns.cache;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.SENTINEL)
class CacheSingleFlightSentinelTests extends CacheSingleFlightContractTests {

	CacheSingleFlightSentinelTests(RedisDeployment redis) {
		super(redis);
	}

}
