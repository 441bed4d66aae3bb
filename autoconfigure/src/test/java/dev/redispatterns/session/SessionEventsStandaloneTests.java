package dev.redispatterns.session;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class SessionEventsStandaloneTests extends SessionEventsContractTests {

	SessionEventsStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
