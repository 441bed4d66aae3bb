package dev.redispatterns.lock;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.CLUSTER)
class DistributedLockInstancesClusterTests extends DistributedLockInstancesContractTests {

	DistributedLockInstancesClusterTests(RedisDeployment redis) {
		super(redis);
	}

}
