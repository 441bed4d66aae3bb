package dev.redispatterns.session;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class SessionWebStandaloneTests extends SessionWebContractTests {

	SessionWebStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
