package dev.redispatterns.sample;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.test.RedisDeployments.StandaloneRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The development Redis backs off as soon as any Redis connection property is given, so
 * {@code --spring.data.redis.port=6390} alone (host defaults to localhost) uses that Redis.
 */
@Tag("redis")
class DevelopmentRedisConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(DevelopmentRedisConfiguration.class);

	@Test
	void backsOffForEachRedisConnectionProperty() {
		for (String property : new String[] { "spring.data.redis.host=localhost", "spring.data.redis.port=6390",
				"spring.data.redis.url=redis://localhost:6390", "spring.data.redis.cluster.nodes=localhost:7000",
				"spring.data.redis.sentinel.master=mymaster" }) {
			this.runner.withPropertyValues(property)
				.run((context) -> assertThat(context).as(property).doesNotHaveBean(StandaloneRedis.class));
		}
	}

}
