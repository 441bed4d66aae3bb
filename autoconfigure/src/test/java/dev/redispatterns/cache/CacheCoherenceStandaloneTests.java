package dev.redispatterns.cache;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

@RedisTest
class CacheCoherenceStandaloneTests extends CacheCoherenceContractTests {

	CacheCoherenceStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

}
