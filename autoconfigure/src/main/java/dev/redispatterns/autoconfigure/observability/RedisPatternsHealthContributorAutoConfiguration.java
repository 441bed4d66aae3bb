package dev.redispatterns.autoconfigure.observability;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.observability.internal.RedisPatternsHealthIndicator;

/**
 * Registers the {@code redisPatterns} health component.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(RedisConnector.class)
@ConditionalOnEnabledHealthIndicator("redispatterns")
public final class RedisPatternsHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "redisPatternsHealthIndicator")
	RedisPatternsHealthIndicator redisPatternsHealthIndicator(RedisConnector connector, Environment environment,
			ObjectProvider<StreamPublisher> streamPublisher) {
		boolean cachingEnabled = environment.getProperty("redis.patterns.cache.enabled", Boolean.class, true);
		return new RedisPatternsHealthIndicator(connector, cachingEnabled, () -> {
			StreamPublisher publisher = streamPublisher.getIfAvailable();
			return (publisher != null) ? publisher.retentionWarnings() : Map.of();
		});
	}

}
