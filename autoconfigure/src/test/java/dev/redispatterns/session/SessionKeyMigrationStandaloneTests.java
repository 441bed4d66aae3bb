package dev.redispatterns.session;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class SessionKeyMigrationStandaloneTests extends SessionKeyMigrationContractTests {

	SessionKeyMigrationStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
