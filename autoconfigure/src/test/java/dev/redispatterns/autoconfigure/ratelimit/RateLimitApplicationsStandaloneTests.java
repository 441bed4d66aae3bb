package dev.redispatterns.autoconfigure.ratelimit;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class RateLimitApplicationsStandaloneTests extends RateLimitApplicationsContractTests {

	RateLimitApplicationsStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
