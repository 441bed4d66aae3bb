package dev.redispatterns.lock;

import dev.redispatterns.test.RedisTest;

@RedisTest
class LockManagerStandaloneTests extends LockManagerContractTests {

}
