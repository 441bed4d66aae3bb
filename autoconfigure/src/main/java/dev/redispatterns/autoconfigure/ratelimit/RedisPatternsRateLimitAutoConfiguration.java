package dev.redispatterns.autoconfigure.ratelimit;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.KeyExpressionEvaluator;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.observability.RateLimitMetrics;
import dev.redispatterns.ratelimit.RateLimitListener;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.RedisRateLimiter;
import dev.redispatterns.ratelimit.internal.RateLimitDecisionRecorder;
import dev.redispatterns.ratelimit.internal.RateLimitedAdvisor;
import dev.redispatterns.ratelimit.internal.RateLimitedInterceptor;
import dev.redispatterns.ratelimit.internal.RateLimitedMethods;
import dev.redispatterns.ratelimit.internal.RateLimitedMethodsValidator;
import dev.redispatterns.ratelimit.internal.RedisRateLimitOverrides;

/**
 * Rate limiting: the {@link RateLimiter} with the configured policies and their tiers, the
 * {@link RateLimitOverrides} changing them at run time, the {@code @RateLimited} advice, start-up validation
 * of every annotated method, metrics and the web integration.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean(RedisConnector.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.rate-limit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsRateLimitProperties.class)
@Import({ RateLimitWebConfiguration.class, RateLimitWebConfiguration.Servlet.class,
		RateLimitWebConfiguration.Reactive.class })
public final class RedisPatternsRateLimitAutoConfiguration {

	/** The starter's own limiter, and its run-time overrides, unless the application has a limiter. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(RateLimiter.class)
	static class Engine {

		@Bean
		RedisRateLimiter redisPatternsRateLimiter(RedisConnector connector, ScriptExecutor executor, RedisKeys keys,
				RedisPatternsRateLimitProperties properties, ObjectProvider<RateLimitListener> listeners,
				ObjectProvider<RedisRateLimiterBuilderCustomizer> customizers,
				ObjectProvider<PatternObservations> observations, ObjectProvider<RedisSignals> signals) {
			List<RateLimitPolicy> policies = RateLimitPolicies.resolve(properties);
			RedisRateLimiter.Builder builder = RedisRateLimiter.builder(connector)
				.executor(executor)
				.keys(keys)
				.policies(policies)
				.listener(RateLimitListener.composite(listeners.orderedStream().toList()))
				.localFallback(properties.getFallback().getInstances(), properties.getFallback().getMaxKeys())
				.localRejections(properties.getLocalRejections().isEnabled()
						? properties.getLocalRejections().getMaxKeys() : 0)
				.observations(observations.getIfAvailable(() -> PatternObservations.NONE));
			RedisPatternsRateLimitProperties.Overrides overrides = properties.getOverrides();
			if (overrides.isEnabled()) {
				builder.overrides(overrides.getRefreshInterval(), overrides.getMaxEntries(), signals.getIfAvailable());
			}
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			return builder.build();
		}

		/** The limiter's overrides; closed with the limiter. */
		@Bean(destroyMethod = "")
		@ConditionalOnBooleanProperty(name = "redis.patterns.rate-limit.overrides.enabled", matchIfMissing = true)
		@ConditionalOnMissingBean
		RateLimitOverrides redisPatternsRateLimitOverrides(RedisRateLimiter limiter) {
			RedisRateLimitOverrides overrides = limiter.overrides();
			if (overrides == null) {
				throw new IllegalStateException("A RedisRateLimiterBuilderCustomizer switched the overrides off; set "
						+ RateLimitPolicies.PREFIX + ".overrides.enabled=false instead");
			}
			return overrides;
		}

	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitedMethods redisPatternsRateLimitedMethods(RateLimiter limiter, KeyExpressionEvaluator evaluator,
			RedisPatternsRateLimitProperties properties) {
		return new RateLimitedMethods(limiter, evaluator,
				(policy) -> RateLimitPolicies.withDefaults(policy, properties));
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitedMethodsValidator redisPatternsRateLimitedMethodsValidator(ConfigurableListableBeanFactory beanFactory,
			RateLimitedMethods methods) {
		return new RateLimitedMethodsValidator(beanFactory, methods);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static RateLimitedAdvisor redisPatternsRateLimitedAdvisor(ObjectProvider<RateLimitedMethods> methods,
			ObjectProvider<RateLimiter> limiter, ObjectProvider<RateLimitDecisionRecorder> recorder) {
		return new RateLimitedAdvisor(new RateLimitedInterceptor(methods::getObject, limiter::getObject,
				() -> recorder.getIfAvailable(() -> RateLimitDecisionRecorder.NONE)));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class Metrics {

		@Bean
		@ConditionalOnBean(MeterRegistry.class)
		@ConditionalOnMissingBean
		RateLimitMetrics redisPatternsRateLimitMetrics(MeterRegistry registry) {
			return new RateLimitMetrics(registry);
		}

	}

}
