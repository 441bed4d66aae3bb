package dev.redispatterns.cache;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class CacheSingleFlightStandaloneTests extends CacheSingleFlightContractTests {

	CacheSingleFlightStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
