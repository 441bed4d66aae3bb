package dev.redispatterns.autoconfigure.cache;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.redispatterns.autoconfigure.GeneratedMetadata;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata describes every cache property, with its default.
 */
class RedisPatternsCachePropertiesMetadataTests {

	static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

	static {
		DEFAULTS.put("redis.patterns.cache.enabled", "true");
		DEFAULTS.put("redis.patterns.cache.default-ttl", "10m");
		DEFAULTS.put("redis.patterns.cache.ttl-jitter", "10");
		DEFAULTS.put("redis.patterns.cache.cache-nulls", "true");
		DEFAULTS.put("redis.patterns.cache.null-ttl", "1m");
		DEFAULTS.put("redis.patterns.cache.stale-while-revalidate", "0s");
		DEFAULTS.put("redis.patterns.cache.timeout", "250ms");
		DEFAULTS.put("redis.patterns.cache.dynamic", "true");
		DEFAULTS.put("redis.patterns.cache.encrypt", "false");
		DEFAULTS.put("redis.patterns.cache.refresh-threads", "4");
		DEFAULTS.put("redis.patterns.cache.refresh-ahead.enabled", "false");
		DEFAULTS.put("redis.patterns.cache.refresh-ahead.beta", "1.0");
		DEFAULTS.put("redis.patterns.cache.near-cache.enabled", "false");
		DEFAULTS.put("redis.patterns.cache.near-cache.max-size", "10000");
		DEFAULTS.put("redis.patterns.cache.near-cache.ttl", "30s");
		DEFAULTS.put("redis.patterns.cache.stampede.enabled", "true");
		DEFAULTS.put("redis.patterns.cache.stampede.lock-timeout", "5s");
		DEFAULTS.put("redis.patterns.cache.stampede.max-wait", "10s");
	}

	@Test
	void everyCachePropertyIsDescribedWithItsDefault() throws Exception {
		GeneratedMetadata.assertDescribed(DEFAULTS);
	}

	@Test
	void perCacheSettingsAreAMapByCacheName() throws Exception {
		JsonNode caches = GeneratedMetadata.properties().get("redis.patterns.cache.caches");
		assertThat(caches).isNotNull();
		assertThat(caches.get("type").asString()).startsWith("java.util.Map<java.lang.String,");
		assertThat(caches.path("description").asString("")).isNotBlank();
	}

	@Test
	void theContractPropertiesExist() throws Exception {
		Map<String, JsonNode> properties = GeneratedMetadata.properties();
		assertThat(properties).containsKeys("redis.patterns.cache.default-ttl", "redis.patterns.cache.caches",
				"redis.patterns.cache.enabled");
	}

}
