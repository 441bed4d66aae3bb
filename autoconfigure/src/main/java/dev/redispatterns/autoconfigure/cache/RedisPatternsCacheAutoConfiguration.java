package dev.redispatterns.autoconfigure.cache;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.BeanFactoryCacheOperationSourceAdvisor;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.cache.CacheInvocationInterceptor;
import dev.redispatterns.cache.CacheListener;
import dev.redispatterns.cache.CacheTtlFunction;
import dev.redispatterns.cache.CacheWriteThrough;
import dev.redispatterns.cache.RedisPatternsCacheManager;
import dev.redispatterns.cache.internal.CacheInvocationAdvisor;
import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCipher;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.observability.CacheMetrics;
import dev.redispatterns.observability.internal.CacheStatistics;
import dev.redispatterns.observability.internal.RedisPatternsCacheMeterBinderProvider;

/**
 * Supplies the application's {@link CacheManager} for Spring's {@code @Cacheable}, {@code @CachePut} and
 * {@code @CacheEvict}: Redis caches with single-flight loading across instances. Like Spring Boot's own
 * cache auto-configuration, which it runs before, it needs {@code @EnableCaching}, and it follows Boot's
 * cache properties: any {@code spring.cache.type} but {@code redis} leaves the cache manager to Boot,
 * {@code spring.cache.cache-names} are created at start-up, {@code spring.cache.redis.*} stand in for
 * the defaults not set under {@code redis.patterns.cache.*}, and Boot's {@code CacheManagerCustomizer}
 * beans and cache metrics apply.
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

	private static final String BOOT_CACHE_CUSTOMIZERS = "org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers";

	@Bean
	@ConditionalOnMissingBean(CacheManager.class)
	@ConditionalOnProperty(name = "spring.cache.type", havingValue = "redis", matchIfMissing = true)
	RedisPatternsCacheManager cacheManager(RedisConnector connector, RedisSignals signals, RedisKeys keys,
			ValueCodec codec, ScriptExecutor scripts, RedisPatternsCacheProperties properties,
			ObjectProvider<CacheTtlFunction> ttlFunction, ObjectProvider<CacheListener> listeners,
			ObjectProvider<RedisPatternsCacheManagerCustomizer> customizers,
			ObjectProvider<PatternObservations> observations, ObjectProvider<ValueCipher> cipher,
			Environment environment, ListableBeanFactory beanFactory) {
		Binder binder = Binder.get(environment);
		CachePolicies policies = CachePolicies.resolve(properties, binder);
		ValueCipher encryptionKeys = cipher.getIfUnique();
		if (encryptionKeys == null) {
			String encrypting = policies.encryptingProperty(properties.isDynamic());
			if (encrypting != null) {
				throw new InvalidPropertyException("redis.patterns.codec.encryption.keys", "(none)",
						"no encryption key is configured, but " + encrypting + " is true");
			}
		}
		RedisKeys cacheKeys = (policies.keyPrefix() != null) ? new RedisKeys(policies.keyPrefix()) : keys;
		RedisPatternsCacheManager.Builder builder = RedisPatternsCacheManager.builder(connector, signals, cacheKeys, codec)
			.scriptExecutor(scripts)
			.defaults(policies.defaults())
			.dynamic(properties.isDynamic())
			.refreshThreads(properties.getRefreshThreads())
			.ttlFunction(ttlFunction.getIfUnique())
			.listener(CacheListener.composite(listeners.orderedStream().toList()))
			.observations(observations.getIfAvailable(() -> PatternObservations.NONE))
			.encryption((encryptionKeys != null) ? new EncryptingValueCodec(codec, encryptionKeys) : null);
		policies.byName().forEach(builder::cache);
		for (String name : binder.bind("spring.cache.cache-names", Bindable.listOf(String.class)).orElse(List.of())) {
			if (!policies.byName().containsKey(name)) {
				builder.cache(name, policies.defaults());
			}
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		RedisPatternsCacheManager cacheManager = builder.build();
		if (ClassUtils.isPresent(BOOT_CACHE_CUSTOMIZERS, getClass().getClassLoader())) {
			BootCacheManagerCustomizers.apply(beanFactory, cacheManager);
		}
		return cacheManager;
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

	/**
	 * Spring Boot's cache metrics ({@code cache.gets}, {@code cache.puts}, ...) for the starter's caches:
	 * those existing at start-up are bound by Boot, those created later as they are first used.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterBinder.class, CacheMeterBinderProvider.class })
	static class BootCacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CacheStatistics redisPatternsCacheStatistics() {
			return new CacheStatistics();
		}

		@Bean
		@ConditionalOnMissingBean
		RedisPatternsCacheMeterBinderProvider redisPatternsCacheMeterBinderProvider(CacheStatistics statistics) {
			return new RedisPatternsCacheMeterBinderProvider(statistics);
		}

		@Bean
		CacheListener redisPatternsDynamicCacheMetrics(ObjectProvider<CacheMetricsRegistrar> registrar,
				ObjectProvider<MeterRegistry> registry, ObjectProvider<RedisPatternsCacheManager> cacheManager) {
			return new DynamicCacheMetrics(registrar, registry, cacheManager);
		}

	}

}
