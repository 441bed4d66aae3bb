package dev.redispatterns.ratelimit;

import dev.redispatterns.test.RedisTest;

@RedisTest
class RedisRateLimiterFeaturesStandaloneTests extends RedisRateLimiterFeaturesContractTests {

}
