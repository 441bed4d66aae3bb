package dev.redispatterns.ratelimit;

import dev.redispatterns.test.RedisTest;

@RedisTest
class RedisRateLimiterStandaloneTests extends RedisRateLimiterContractTests {

}
