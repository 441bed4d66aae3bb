package dev.redispatterns.core;

import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.CLUSTER)
class RedisSignalsClusterTests extends RedisSignalsContractTests {

}
