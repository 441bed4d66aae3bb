package dev.redispatterns.messaging;

import dev.redispatterns.test.RedisTest;

@RedisTest
class QueueConsumerStandaloneTests extends QueueConsumerContractTests {

}
