package dev.redispatterns.core;

import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.SENTINEL)
class RedisSignalsSentinelTests extends RedisSignalsContractTests {

}
