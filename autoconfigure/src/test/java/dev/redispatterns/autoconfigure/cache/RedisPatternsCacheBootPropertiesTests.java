package dev.redispatterns.autoconfigure.cache;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.support.NoOpCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.cache.CacheWriteThrough;
import dev.redispatterns.cache.RedisPatternsCache;
import dev.redispatterns.cache.RedisPatternsCacheManager;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's cache settings ({@code spring.cache.*}) as the starter's cache manager follows them.
 */
@RedisTest
class RedisPatternsCacheBootPropertiesTests {

	private final ApplicationContextRunner runner;

	RedisPatternsCacheBootPropertiesTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsCacheAutoConfiguration.class,
					CacheAutoConfiguration.class))
			.withUserConfiguration(CachingEnabled.class)
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void cacheTypeOtherThanRedisLeavesTheCacheManagerToSpringBoot() {
		this.runner.withPropertyValues("spring.cache.type=none").run((context) -> {
			assertThat(context).doesNotHaveBean(RedisPatternsCacheManager.class)
				.hasSingleBean(CacheWriteThrough.class);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(NoOpCacheManager.class);
		});
		this.runner.withPropertyValues("spring.cache.type=simple")
			.run((context) -> assertThat(context.getBean(CacheManager.class))
				.isInstanceOf(ConcurrentMapCacheManager.class));
		this.runner.withPropertyValues("spring.cache.type=redis")
			.run((context) -> assertThat(context.getBean(CacheManager.class))
				.isInstanceOf(RedisPatternsCacheManager.class));
	}

	@Test
	void cacheNamesExistFromTheStart() {
		this.runner
			.withPropertyValues("spring.cache.cache-names=products,prices", "redis.patterns.cache.dynamic=false",
					"redis.patterns.cache.caches.prices.ttl=30s")
			.run((context) -> {
				RedisPatternsCacheManager manager = context.getBean(RedisPatternsCacheManager.class);
				assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("products", "prices");
				assertThat(manager.getCache("products")).isNotNull();
				assertThat(manager.policy("prices").ttl()).isEqualTo(Duration.ofSeconds(30));
				assertThat(manager.getCache("other")).as("not dynamic").isNull();
			});
	}

	@Test
	void springBootsRedisCacheSettingsAreDefaultsTheStartersOwnOverride() {
		this.runner.withPropertyValues("spring.cache.redis.time-to-live=5m", "spring.cache.redis.cache-null-values=false")
			.run((context) -> {
				RedisPatternsCacheManager manager = context.getBean(RedisPatternsCacheManager.class);
				assertThat(manager.defaults().ttl()).isEqualTo(Duration.ofMinutes(5));
				assertThat(manager.defaults().cacheNulls()).isFalse();
			});
		this.runner
			.withPropertyValues("spring.cache.redis.time-to-live=5m", "spring.cache.redis.cache-null-values=false",
					"redis.patterns.cache.default-ttl=7m", "redis.patterns.cache.cache-nulls=true")
			.run((context) -> {
				RedisPatternsCacheManager manager = context.getBean(RedisPatternsCacheManager.class);
				assertThat(manager.defaults().ttl()).isEqualTo(Duration.ofMinutes(7));
				assertThat(manager.defaults().cacheNulls()).isTrue();
			});
	}

	@Test
	void keyPrefixComesFromTheStarterThenSpringBoot() {
		this.runner.run((context) -> assertThat(entryKey(context)).startsWith("rp:cache:"));
		this.runner.withPropertyValues("spring.cache.redis.key-prefix=shop::")
			.run((context) -> assertThat(entryKey(context)).startsWith("shop:cache:"));
		this.runner.withPropertyValues("spring.cache.redis.key-prefix=shop::", "redis.patterns.cache.key-prefix=own")
			.run((context) -> assertThat(entryKey(context)).startsWith("own:cache:"));
	}

	@Test
	void springBootSettingsTheStarterCannotHonourFailTheStartNamingTheProperty() {
		this.runner.withPropertyValues("spring.cache.redis.use-key-prefix=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("'spring.cache.redis.use-key-prefix'");
		});
		this.runner.withPropertyValues("spring.cache.redis.time-to-live=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'spring.cache.redis.time-to-live'")
				.hasMessageContaining("always expire");
		});
	}

	@Test
	void springBootsCacheManagerCustomizersApply() {
		this.runner.withUserConfiguration(Customizers.class).run((context) -> {
			RedisPatternsCacheManager manager = context.getBean(RedisPatternsCacheManager.class);
			assertThat(manager.getCacheNames()).containsExactly("created-by-customizer");
			assertThat(context.getBean(Customizers.class).concurrentMapCustomized).isFalse();
		});
	}

	@Test
	@ExtendWith(RecordedLogs.Extension.class)
	void cachesAppearInSpringBootsCacheMetrics(RecordedLogs logs) {
		this.runner.withConfiguration(AutoConfigurations.of(CacheMetricsAutoConfiguration.class))
			.withUserConfiguration(Registry.class)
			.withPropertyValues("spring.cache.cache-names=products")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				CacheManager manager = context.getBean(CacheManager.class);
				Cache products = manager.getCache("products");
				assertThat(products.get(1)).isNull();
				products.put(1, "apple");
				assertThat(products.get(1).get()).isEqualTo("apple");
				products.evict(1);
				assertThat(gets(registry, "products", "hit")).isEqualTo(1);
				assertThat(gets(registry, "products", "miss")).isEqualTo(1);
				assertThat(registry.get("cache.puts").tag("cache", "products").functionCounter().count()).isEqualTo(1);
				assertThat(registry.get("cache.evictions").tag("cache", "products").functionCounter().count())
					.isEqualTo(1);
				// a cache created after start-up is bound when first used
				Cache later = manager.getCache("later");
				later.put("k", "v");
				assertThat(later.get("k")).isNotNull();
				assertThat(gets(registry, "later", "hit")).isEqualTo(1);
			});
		assertThat(logs.lines()).as("no meter registered twice").noneMatch((line) -> line.contains("already registered"));
	}

	private static double gets(MeterRegistry registry, String cache, String result) {
		return registry.get("cache.gets")
			.tag("cache", cache)
			.tag("cache.manager", "cacheManager")
			.tag("result", result)
			.functionCounter()
			.count();
	}

	private static String entryKey(org.springframework.context.ApplicationContext context) {
		return ((RedisPatternsCache) context.getBean(CacheManager.class).getCache("products")).entryKey(1);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingEnabled {

	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		volatile boolean concurrentMapCustomized;

		@Bean
		CacheManagerCustomizer<CacheManager> anyCacheManager() {
			return (manager) -> manager.getCache("created-by-customizer");
		}

		@Bean
		CacheManagerCustomizer<ConcurrentMapCacheManager> otherCacheManager() {
			return (manager) -> this.concurrentMapCustomized = true;
		}

	}

}
