package dev.redispatterns.autoconfigure.cache;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheManager;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.cache.CachePolicy;
import dev.redispatterns.cache.CacheTtlFunction;
import dev.redispatterns.cache.CacheWriteThrough;
import dev.redispatterns.cache.RedisPatternsCache;
import dev.redispatterns.cache.RedisPatternsCacheManager;
import dev.redispatterns.cache.internal.CacheInvocationAdvisor;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.observability.CacheMetrics;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class RedisPatternsCacheAutoConfigurationTests {

	private final ApplicationContextRunner runner;

	RedisPatternsCacheAutoConfigurationTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsCacheAutoConfiguration.class,
					CacheAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void withEnableCachingTheStarterSuppliesTheCacheManager() {
		this.runner.withUserConfiguration(CachingEnabled.class).run((context) -> {
			assertThat(context).hasSingleBean(CacheManager.class)
				.hasSingleBean(RedisPatternsCacheManager.class)
				.hasSingleBean(CacheInvocationAdvisor.class)
				.hasSingleBean(CacheWriteThrough.class)
				.doesNotHaveBean(RedisCacheManager.class);
			assertThat(context.getBean("cacheManager")).isInstanceOf(RedisPatternsCacheManager.class);
		});
	}

	@Test
	void withoutEnableCachingNothingIsConfigured() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(CacheManager.class)
			.doesNotHaveBean(CacheInvocationAdvisor.class));
	}

	@Test
	void cachingCanBeSwitchedOffLeavingSpringBootsOwnCacheManager() {
		this.runner.withUserConfiguration(CachingEnabled.class)
			.withPropertyValues("redis.patterns.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisPatternsCacheManager.class)
				.doesNotHaveBean(CacheInvocationAdvisor.class)
				.doesNotHaveBean(CacheWriteThrough.class)
				.hasSingleBean(CacheManager.class));
	}

	@Test
	void anApplicationCacheManagerWins() {
		this.runner.withUserConfiguration(CachingEnabled.class, OwnCacheManager.class)
			.run((context) -> assertThat(context).doesNotHaveBean(RedisPatternsCacheManager.class)
				.getBean(CacheManager.class)
				.isInstanceOf(ConcurrentMapCacheManager.class));
	}

	@Test
	void perCacheSettingsOverrideTheDefaultsOneByOne() {
		this.runner.withUserConfiguration(CachingEnabled.class)
			.withPropertyValues("redis.patterns.cache.default-ttl=5m", "redis.patterns.cache.ttl-jitter=5",
					"redis.patterns.cache.null-ttl=10s", "redis.patterns.cache.near-cache.max-size=500",
					"redis.patterns.cache.stampede.max-wait=3s", "redis.patterns.cache.caches.products.ttl=1m",
					"redis.patterns.cache.caches.products.near-cache.enabled=true",
					"redis.patterns.cache.caches.products.refresh-ahead.enabled=true",
					"redis.patterns.cache.caches.products.refresh-ahead.beta=2.5",
					"redis.patterns.cache.caches.products.stampede.lock-timeout=2s",
					"redis.patterns.cache.caches.products.timeout=100ms")
			.run((context) -> {
				RedisPatternsCacheManager manager = context.getBean(RedisPatternsCacheManager.class);
				CachePolicy products = manager.policy("products");
				assertThat(products.ttl()).isEqualTo(Duration.ofMinutes(1));
				assertThat(products.nearCache()).isTrue();
				assertThat(products.nearCacheMaxSize()).as("inherited").isEqualTo(500);
				assertThat(products.refreshAhead()).isTrue();
				assertThat(products.refreshAheadBeta()).isEqualTo(2.5);
				assertThat(products.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(products.maxWait()).as("inherited").isEqualTo(Duration.ofSeconds(3));
				assertThat(products.timeout()).isEqualTo(Duration.ofMillis(100));
				assertThat(products.ttlJitterPercent()).as("inherited").isEqualTo(5);
				assertThat(products.nullTtl()).as("inherited").isEqualTo(Duration.ofSeconds(10));
				CachePolicy other = manager.policy("other");
				assertThat(other.ttl()).isEqualTo(Duration.ofMinutes(5));
				assertThat(other.nearCache()).isFalse();
				assertThat(other.refreshAhead()).isFalse();
				assertThat(other.timeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(manager.getCacheNames()).as("configured caches exist from the start").contains("products");
				assertThat(((RedisPatternsCache) manager.getCache("products")).policy()).isSameAs(products);
				assertThat(manager.refreshes()).isTrue();
			});
	}

	@Test
	void entriesLiveForTheirCachesTtlInRedis() {
		this.runner.withUserConfiguration(CachingEnabled.class)
			.withPropertyValues("redis.patterns.cache.default-ttl=10m", "redis.patterns.cache.ttl-jitter=20",
					"redis.patterns.cache.caches.products.ttl=1h")
			.run((context) -> {
				CacheManager manager = context.getBean(CacheManager.class);
				RedisPatternsCache products = (RedisPatternsCache) manager.getCache("products");
				RedisPatternsCache other = (RedisPatternsCache) manager.getCache("other");
				products.put("1", "p");
				other.put("1", "o");
				RedisConnector connector = context.getBean(RedisConnector.class);
				assertThat(pttl(connector, products.entryKey("1"))).isBetween(2_870_000L, 3_600_000L);
				assertThat(pttl(connector, other.entryKey("1"))).isBetween(470_000L, 600_000L);
			});
	}

	private static long pttl(RedisConnector connector, String key) {
		return connector.await(connector.commands().pttl(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
	}

	@Test
	void unlistedCachesAreCreatedOnFirstUseUnlessDynamicCreationIsOff() {
		this.runner.withUserConfiguration(CachingEnabled.class).run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("anything");
			assertThat(cache).isInstanceOf(RedisPatternsCache.class);
			assertThat(((RedisPatternsCache) cache).policy().ttl()).isEqualTo(Duration.ofMinutes(10));
		});
		this.runner.withUserConfiguration(CachingEnabled.class)
			.withPropertyValues("redis.patterns.cache.dynamic=false", "redis.patterns.cache.caches.known.ttl=1m")
			.run((context) -> {
				CacheManager manager = context.getBean(CacheManager.class);
				assertThat(manager.getCache("anything")).isNull();
				assertThat(manager.getCache("known")).isNotNull();
			});
	}

	@Test
	void anInvalidValueFailsTheStartNamingTheProperty() {
		assertStartFails("redis.patterns.cache.caches.products.ttl=0s", "redis.patterns.cache.caches.products.ttl");
		assertStartFails("redis.patterns.cache.ttl-jitter=150", "redis.patterns.cache.ttl-jitter");
		assertStartFails("redis.patterns.cache.default-ttl=-1s", "redis.patterns.cache.default-ttl");
		assertStartFails("redis.patterns.cache.caches.products.refresh-ahead.beta=0",
				"redis.patterns.cache.caches.products.refresh-ahead.beta");
		assertStartFails("redis.patterns.cache.caches.products.near-cache.max-size=0",
				"redis.patterns.cache.caches.products.near-cache.max-size");
		assertStartFails("redis.patterns.cache.stampede.lock-timeout=0ms", "redis.patterns.cache.stampede.lock-timeout");
		assertStartFails("redis.patterns.cache.refresh-threads=0", "redis.patterns.cache.refresh-threads");
	}

	private void assertStartFails(String setting, String property) {
		this.runner.withUserConfiguration(CachingEnabled.class).withPropertyValues(setting).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("'" + property + "'");
		});
	}

	@Test
	void theAdvisorRunsJustOutsideSpringsCacheAdvisorWhateverItsOrder() {
		this.runner.withUserConfiguration(CachingEnabledWithOrder.class)
			.run((context) -> assertThat(context.getBean(CacheInvocationAdvisor.class).getOrder()).isEqualTo(99));
		this.runner.withUserConfiguration(CachingEnabled.class)
			.run((context) -> assertThat(context.getBean(CacheInvocationAdvisor.class).getOrder())
				.isEqualTo(Integer.MAX_VALUE - 1));
	}

	@Test
	void aTtlFunctionBeanAndCustomizersAreApplied() {
		this.runner.withUserConfiguration(CachingEnabled.class, Customized.class).run((context) -> {
			RedisPatternsCacheManager manager = context.getBean(RedisPatternsCacheManager.class);
			assertThat(manager.policy("from-customizer").ttl()).isEqualTo(Duration.ofSeconds(42));
			RedisPatternsCache cache = (RedisPatternsCache) manager.getCache("from-customizer");
			cache.put("short", "value");
			assertThat(context.getBean(Customized.class).ttlAsked).isTrue();
		});
	}

	@Test
	void cacheMetricsAreRecordedWhenAMeterRegistryExists() {
		this.runner.withUserConfiguration(CachingEnabled.class, Metrics.class).run((context) -> {
			assertThat(context).hasSingleBean(CacheMetrics.class);
			Cache cache = context.getBean(CacheManager.class).getCache("metered");
			cache.put("k", "v");
			cache.get("k");
			cache.get("absent");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(CacheMetrics.REQUESTS).tag("cache", "metered").tag("result", "hit").counter().count())
				.isEqualTo(1);
			assertThat(registry.get(CacheMetrics.REQUESTS).tag("cache", "metered").tag("result", "miss").counter().count())
				.isEqualTo(1);
		});
		this.runner.withUserConfiguration(CachingEnabled.class)
			.run((context) -> assertThat(context).doesNotHaveBean(CacheMetrics.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingEnabled {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching(order = 100)
	static class CachingEnabledWithOrder {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManager {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customized {

		volatile boolean ttlAsked;

		@Bean
		RedisPatternsCacheManagerCustomizer namedCache() {
			return (builder) -> builder.cache("from-customizer", CachePolicy.builder().ttl(Duration.ofSeconds(42)).build());
		}

		@Bean
		CacheTtlFunction ttlFunction() {
			return (name, key, value) -> {
				this.ttlAsked = true;
				return null;
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Metrics {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
