package dev.redispatterns.autoconfigure.observability;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.StarterCommandObservations;
import dev.redispatterns.observability.internal.RedisPatternsMeterObservationHandler;

/**
 * Observations of cache loads, rate-limit decisions, lock acquisitions and handled messages, reported to
 * the application's {@link ObservationRegistry} (Spring Boot defines one with Actuator); with Micrometer
 * Tracing they become spans. Without a registry, or with one that only feeds metrics (Spring Boot's
 * registry with meter handlers alone), the engines observe nothing, at no cost: the starter's meters do
 * not need observations. Lettuce's per-command observation leaves the starter's commands out unless
 * {@code redis.patterns.observability.redis-commands} is set.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnBean({ RedisConnector.class, ObservationRegistry.class })
@ConditionalOnBooleanProperty(name = "redis.patterns.observability.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsObservabilityProperties.class)
public final class RedisPatternsObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PatternObservations redisPatternsObservations(ObservationRegistry registry,
			RedisPatternsObservabilityProperties properties, ConfigurableListableBeanFactory beanFactory,
			ObjectProvider<ObservationHandler<?>> handlers) {
		// with metrics alone every observation would end in the no-op meter handler below
		if (!ObservationListeners.present(beanFactory, handlers)) {
			return PatternObservations.NONE;
		}
		return PatternObservations.of(registry, properties.isIncludeKeys());
	}

	/** The starter's commands are described by its own meters and observations, not once more per command. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.lettuce.core.tracing.LettuceObservationContext")
	@ConditionalOnBooleanProperty(name = "redis.patterns.observability.redis-commands", havingValue = false,
			matchIfMissing = true)
	static class StarterCommandsUnobserved {

		@Bean
		@ConditionalOnMissingBean
		StarterCommandObservations redisPatternsStarterCommandObservations() {
			return new StarterCommandObservations();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterObservationHandler.class)
	static class NoDuplicateTimers {

		@Bean
		@ConditionalOnMissingBean
		RedisPatternsMeterObservationHandler redisPatternsMeterObservationHandler() {
			return new RedisPatternsMeterObservationHandler();
		}

	}

}
