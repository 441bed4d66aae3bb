package dev.redispatterns.cache;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class RedisPatternsCacheStandaloneTests extends RedisPatternsCacheContractTests {

	RedisPatternsCacheStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
