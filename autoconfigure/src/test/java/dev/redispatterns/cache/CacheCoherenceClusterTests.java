package dev.redispatterns.cache;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.CLUSTER)
class CacheCoherenceClusterTests extends CacheCoherenceContractTests {

	CacheCoherenceClusterTests(RedisDeployment redis) {
		super(redis);
	}

}
