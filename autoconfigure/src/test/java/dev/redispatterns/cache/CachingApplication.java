package dev.redispatterns.cache;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.test.RedisDeployment;

/**
 * A minimal application using Spring's caching annotations with the starter, against a test Redis.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
public class CachingApplication {

	@Bean
	CachedCatalog catalog() {
		return new CachedCatalog();
	}

	@Bean
	RecordingCacheListener recordingCacheListener() {
		return new RecordingCacheListener();
	}

	/** A runner for this application; generous timeouts, as the test machine is slow and shared. */
	public static ApplicationContextRunner runner(RedisDeployment redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsCacheAutoConfiguration.class,
					CacheAutoConfiguration.class))
			.withUserConfiguration(CachingApplication.class)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("redis.patterns.command-timeout=5s", "redis.patterns.cache.timeout=3s",
					"redis.patterns.cache.stampede.lock-timeout=30s", "redis.patterns.cache.stampede.max-wait=30s");
	}

}
