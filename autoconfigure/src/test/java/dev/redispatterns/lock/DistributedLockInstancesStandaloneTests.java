package dev.redispatterns.lock;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class DistributedLockInstancesStandaloneTests extends DistributedLockInstancesContractTests {

	DistributedLockInstancesStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
