package dev.redispatterns.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.autoconfigure.observability.RedisPatternsHealthContributorAutoConfiguration;
import dev.redispatterns.observability.internal.RedisPatternsHealthIndicator;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class RedisPatternsHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner;

	RedisPatternsHealthContributorAutoConfigurationTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsHealthContributorAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void healthIndicatorIsNamedRedisPatterns() {
		this.runner.run((context) -> {
			assertThat(context).hasBean("redisPatternsHealthIndicator");
			assertThat(context.getBean(RedisPatternsHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void cachingSwitchRemovesTheNoEvictionWarning() {
		this.runner.withPropertyValues("redis.patterns.cache.enabled=false")
			.run((context) -> assertThat(context.getBean(RedisPatternsHealthIndicator.class).health().getDetails())
				.doesNotContainKey("warning"));
	}

	@Test
	void canBeSwitchedOffLikeAnyHealthIndicator() {
		this.runner.withPropertyValues("management.health.redispatterns.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisPatternsHealthIndicator.class));
	}

}
