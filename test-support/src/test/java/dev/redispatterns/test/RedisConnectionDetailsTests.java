package dev.redispatterns.test;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.test.RedisDeployment.Topology;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot connects to the harness's standalone set-up through {@link RedisConnectionDetails}, whatever
 * {@code spring.data.redis.*} says.
 */
@RedisTest
class RedisConnectionDetailsTests {

	@Test
	void springBootConnectsThroughTheConnectionDetails(RedisDeployment redis) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, () -> RedisConnectionDetails.of(redis))
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1")
			.run((context) -> {
				LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
				assertThat(factory.isClusterAware()).isEqualTo(redis.topology() == Topology.CLUSTER);
				assertThat(factory.isRedisSentinelAware()).isEqualTo(redis.topology() == Topology.SENTINEL);
				try (RedisConnection connection = factory.getConnection()) {
					assertThat(connection.ping()).isEqualTo("PONG");
				}
			});
	}

}
