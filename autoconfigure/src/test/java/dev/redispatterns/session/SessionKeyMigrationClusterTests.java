package dev.redispatterns.session;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.CLUSTER)
class SessionKeyMigrationClusterTests extends SessionKeyMigrationContractTests {

	SessionKeyMigrationClusterTests(RedisDeployment redis) {
		super(redis);
	}

}
