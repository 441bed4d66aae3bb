package dev.redispatterns.cache;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.SENTINEL)
class CacheCoherenceSentinelTests extends CacheCoherenceContractTests {

	CacheCoherenceSentinelTests(RedisDeployment redis) {
		super(redis);
	}

}
