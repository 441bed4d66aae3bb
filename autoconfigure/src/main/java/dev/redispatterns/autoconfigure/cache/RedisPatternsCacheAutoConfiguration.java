package dev.redispatterns.autoconfigure.cache;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.BeanFactoryCacheOperationSourceAdvisor;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.cache.CacheInvocationAdvisor;
import dev.redispatterns.cache.CacheInvocationInterceptor;
import dev.redispatterns.cache.CacheListener;
import dev.redispatterns.cache.CacheTtlFunction;
import dev.redispatterns.cache.CacheWriteThrough;
import dev.redispatterns.cache.RedisPatternsCacheManager;
import dev.redispatterns.core.PatternObservations;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisKeys;
import dev.redispatterns.core.RedisSignals;
import dev.redispatterns.core.ScriptExecutor;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.observability.CacheMetrics;

/**
 * Supplies the application's {@link CacheManager} for Spring's {@code @Cacheable}, {@code @CachePut} and
 * {@code @CacheEvict}: Redis caches with single-flight loading across instances. Like Spring Boot's own
 * cache auto-configuration, which it runs before, it needs {@code @EnableCaching}.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class,
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(CacheManager.class)
@ConditionalOnBean({ RedisConnector.class, CacheAspectSupport.class })
@ConditionalOnBooleanProperty(name = "redis.patterns.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsCacheProperties.class)
public final class RedisPatternsCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(CacheManager.class)
	RedisPatternsCacheManager cacheManager(RedisConnector connector, RedisSignals signals, RedisKeys keys,
			ValueCodec codec, ScriptExecutor scripts, RedisPatternsCacheProperties properties,
			ObjectProvider<CacheTtlFunction> ttlFunction, ObjectProvider<CacheListener> listeners,
			ObjectProvider<RedisPatternsCacheManagerCustomizer> customizers,
			ObjectProvider<PatternObservations> observations) {
		CachePolicies policies = CachePolicies.resolve(properties);
		RedisPatternsCacheManager.Builder builder = RedisPatternsCacheManager.builder(connector, signals, keys, codec)
			.scriptExecutor(scripts)
			.defaults(policies.defaults())
			.dynamic(properties.isDynamic())
			.refreshThreads(properties.getRefreshThreads())
			.ttlFunction(ttlFunction.getIfUnique())
			.listener(CacheListener.composite(listeners.orderedStream().toList()))
			.observations(observations.getIfAvailable(() -> PatternObservations.NONE));
		policies.byName().forEach(builder::cache);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	CacheWriteThrough redisPatternsCacheWriteThrough(CacheManager cacheManager) {
		return new CacheWriteThrough(cacheManager);
	}

	/**
	 * Gives a plain {@code @Cacheable} single-flight loading and refresh-ahead; ordered just outside
	 * Spring's cache advisor, whatever order {@code @EnableCaching} gave it.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static CacheInvocationAdvisor redisPatternsCacheInvocationAdvisor(ObjectProvider<CacheOperationSource> operations,
			ObjectProvider<BeanFactoryCacheOperationSourceAdvisor> cacheAdvisor,
			ObjectProvider<RedisPatternsCacheManager> cacheManager) {
		// resolved now: while Spring's caching configuration is being created, the advisor creation fails
		// and the proxy creator skips it for that bean, instead of failing the context
		CacheOperationSource source = operations.getIfUnique();
		CacheInvocationInterceptor interceptor = new CacheInvocationInterceptor(new ReplayNeeded(cacheManager));
		return new CacheInvocationAdvisor(() -> source, interceptor, new OrderBeforeCaching(cacheAdvisor));
	}

	/** One less than the order of Spring's cache advisor, looked up once it exists. */
	private static final class OrderBeforeCaching implements IntSupplier {

		private final ObjectProvider<BeanFactoryCacheOperationSourceAdvisor> cacheAdvisor;

		private volatile int order = Integer.MIN_VALUE;

		private volatile boolean resolved;

		OrderBeforeCaching(ObjectProvider<BeanFactoryCacheOperationSourceAdvisor> cacheAdvisor) {
			this.cacheAdvisor = cacheAdvisor;
		}

		@Override
		public int getAsInt() {
			if (this.resolved) {
				return this.order;
			}
			try {
				BeanFactoryCacheOperationSourceAdvisor advisor = this.cacheAdvisor.getIfUnique();
				int cachingOrder = (advisor != null) ? advisor.getOrder() : Ordered.LOWEST_PRECEDENCE;
				this.order = (cachingOrder == Integer.MIN_VALUE) ? cachingOrder : cachingOrder - 1;
				this.resolved = true;
				return this.order;
			}
			catch (BeansException ex) {
				// still being created: Spring's default order until it exists
				return Ordered.LOWEST_PRECEDENCE - 1;
			}
		}

	}

	/** Asks the manager once, when the first cached method runs. */
	private static final class ReplayNeeded implements BooleanSupplier {

		private final ObjectProvider<RedisPatternsCacheManager> cacheManager;

		private volatile Boolean needed;

		ReplayNeeded(ObjectProvider<RedisPatternsCacheManager> cacheManager) {
			this.cacheManager = cacheManager;
		}

		@Override
		public boolean getAsBoolean() {
			Boolean known = this.needed;
			if (known == null) {
				RedisPatternsCacheManager manager = this.cacheManager.getIfUnique();
				known = manager != null && manager.refreshes();
				this.needed = known;
			}
			return known;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class CacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CacheMetrics redisPatternsCacheMetrics(ObjectProvider<MeterRegistry> registry) {
			return new CacheMetrics(registry.getObject());
		}

	}

}
