package dev.redispatterns.structures;

import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.SENTINEL)
class StructuresSentinelTests extends StructuresContractTests {

}
