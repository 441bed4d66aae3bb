package dev.redispatterns.messaging;

import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

@RedisTest(topology = Topology.SENTINEL)
class StreamConsumerSentinelTests extends StreamConsumerContractTests {

}
