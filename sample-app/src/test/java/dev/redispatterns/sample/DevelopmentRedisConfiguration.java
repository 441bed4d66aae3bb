package dev.redispatterns.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import dev.redispatterns.test.RedisDeployments;
import dev.redispatterns.test.RedisDeployments.StandaloneRedis;

/**
 * Provides a Redis for development runs and tests unless the application is pointed at one (any of
 * {@code spring.data.redis.host}, {@code .port}, {@code .url}, {@code .cluster.nodes},
 * {@code .sentinel.master}). The Redis is a cache with sessions and streams beside it: it evicts the least
 * recently used keys when it reaches 256 MB instead of refusing writes.
 */
@TestConfiguration(proxyBeanMethods = false)
@ConditionalOnProperty(name = { "spring.data.redis.host", "spring.data.redis.port", "spring.data.redis.url",
		"spring.data.redis.cluster.nodes", "spring.data.redis.sentinel.master" }, matchIfMissing = true,
		havingValue = "__never__")
class DevelopmentRedisConfiguration {

	private static final Log logger = LogFactory.getLog(DevelopmentRedisConfiguration.class);

	@Bean(destroyMethod = "close")
	StandaloneRedis developmentRedis() {
		StandaloneRedis redis = RedisDeployments.startStandalone();
		redis.deployment().command("CONFIG", "SET", "maxmemory", "256mb");
		redis.deployment().command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
		logger.info("Development Redis started: " + redis + " (maxmemory 256mb, allkeys-lru)");
		return redis;
	}

	@Bean
	DataRedisConnectionDetails developmentRedisConnectionDetails(StandaloneRedis redis) {
		return new DataRedisConnectionDetails() {

			@Override
			public Standalone getStandalone() {
				return Standalone.of(redis.host(), redis.port());
			}

		};
	}

}
