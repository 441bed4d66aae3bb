package dev.redispatterns.autoconfigure.cache;

import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

	static Map<String, JsonNode> properties() throws Exception {
		try (InputStream in = RedisPatternsCachePropertiesMetadataTests.class.getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			JsonNode root = JsonMapper.builder().build().readTree(in);
			Map<String, JsonNode> byName = new HashMap<>();
			for (JsonNode property : root.get("properties")) {
				byName.put(property.get("name").asString(), property);
			}
			return byName;
		}
	}

	@Test
	void everyCachePropertyIsDescribedWithItsDefault() throws Exception {
		Map<String, JsonNode> properties = properties();
		for (Map.Entry<String, String> expected : DEFAULTS.entrySet()) {
			JsonNode property = properties.get(expected.getKey());
			assertThat(property).as(expected.getKey()).isNotNull();
			assertThat(property.path("description").asString("")).as(expected.getKey() + " description").isNotBlank();
			assertThat(property.get("defaultValue")).as(expected.getKey() + " default").isNotNull();
			JsonNode value = property.get("defaultValue");
			if (value.isNumber()) {
				assertThat(value.asDouble()).as(expected.getKey() + " default")
					.isEqualTo(Double.parseDouble(expected.getValue()));
			}
			else {
				assertThat(value.asString()).as(expected.getKey() + " default").isEqualTo(expected.getValue());
			}
		}
	}

	@Test
	void perCacheSettingsAreAMapByCacheName() throws Exception {
		JsonNode caches = properties().get("redis.patterns.cache.caches");
		assertThat(caches).isNotNull();
		assertThat(caches.get("type").asString()).startsWith("java.util.Map<java.lang.String,");
		assertThat(caches.path("description").asString("")).isNotBlank();
	}

	@Test
	void theContractPropertiesExist() throws Exception {
		Map<String, JsonNode> properties = properties();
		assertThat(properties).containsKeys("redis.patterns.cache.default-ttl", "redis.patterns.cache.caches",
				"redis.patterns.cache.enabled");
	}

}
