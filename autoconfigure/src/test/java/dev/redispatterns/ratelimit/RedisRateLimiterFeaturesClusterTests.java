package dev.redispatterns.ratelimit;

import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.CLUSTER)
class RedisRateLimiterFeaturesClusterTests extends RedisRateLimiterFeaturesContractTests {

}
