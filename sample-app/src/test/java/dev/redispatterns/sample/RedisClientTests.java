package dev.redispatterns.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shop runs on the client {@code spring.data.redis.client-type} names: Lettuce natively, Jedis (CI's
 * second run of these tests) in portable mode.
 */
class RedisClientTests extends ShopApplicationTestSupport {

	@Autowired
	private RedisConnectionFactory connectionFactory;

	@Autowired
	private RedisConnector connector;

	@Value("${spring.data.redis.client-type:lettuce}")
	private String clientType;

	@Test
	void theShopRunsOnTheConfiguredClient() {
		boolean jedis = "jedis".equalsIgnoreCase(this.clientType);
		assertThat(this.connectionFactory.getClass().getSimpleName())
			.isEqualTo(jedis ? "JedisConnectionFactory" : "LettuceConnectionFactory");
		assertThat(this.connector.isNative()).isEqualTo(!jedis);
	}

}
