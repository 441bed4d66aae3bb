package dev.redispatterns.structures;

import dev.redispatterns.test.RedisTest;

@RedisTest
class StructuresStandaloneTests extends StructuresContractTests {

}
