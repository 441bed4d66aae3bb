package dev.redispatterns.test;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisDeployment.Topology;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(process = true)
class RedisExtensionTests {

	static RedisDeployment fromBeforeAll;

	@BeforeAll
	static void capture(RedisDeployment redis) {
		fromBeforeAll = redis;
	}

	@Test
	void theSameServerIsGivenToEveryMethodOfTheClass(RedisServerProcess redis) {
		assertThat(redis).isSameAs(fromBeforeAll);
		assertThat(redis.topology()).isEqualTo(Topology.STANDALONE);
		assertThat(redis.command("PING")).isEqualTo("PONG");
	}

}
