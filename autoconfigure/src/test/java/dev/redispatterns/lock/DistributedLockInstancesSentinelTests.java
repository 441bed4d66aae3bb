package dev.redispatterns.lock;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.SENTINEL)
class DistributedLockInstancesSentinelTests extends DistributedLockInstancesContractTests {

	DistributedLockInstancesSentinelTests(RedisDeployment redis) {
		super(redis);
	}

}
