package dev.redispatterns.session;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class SessionLimitStandaloneTests extends SessionLimitContractTests {

	SessionLimitStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
