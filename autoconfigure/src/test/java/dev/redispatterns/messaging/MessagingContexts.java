package dev.redispatterns.messaging;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.test.RedisDeployment;

/**
 * Application contexts with the messaging auto-configuration against a test Redis; nest two
 * {@code run} calls for two application instances sharing one Redis.
 */
final class MessagingContexts {

	private MessagingContexts() {
	}

	static ApplicationContextRunner runner(RedisDeployment redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsMessagingAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

}
