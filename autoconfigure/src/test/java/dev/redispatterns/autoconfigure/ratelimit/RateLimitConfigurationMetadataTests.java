package dev.redispatterns.autoconfigure.ratelimit;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata describes every rate-limit property, with its default where it has one.
 */
class RateLimitConfigurationMetadataTests {

	static final Map<String, Object> DOCUMENTED = new HashMap<>();

	static {
		DOCUMENTED.put("redis.patterns.rate-limit.enabled", true);
		DOCUMENTED.put("redis.patterns.rate-limit.fail-open", true);
		DOCUMENTED.put("redis.patterns.rate-limit.policies", null);
		DOCUMENTED.put("redis.patterns.rate-limit.fallback.enabled", false);
		DOCUMENTED.put("redis.patterns.rate-limit.fallback.instances", 1);
		DOCUMENTED.put("redis.patterns.rate-limit.fallback.max-keys", 10000);
		DOCUMENTED.put("redis.patterns.rate-limit.web.headers", true);
		DOCUMENTED.put("redis.patterns.rate-limit.web.ietf-headers", true);
		DOCUMENTED.put("redis.patterns.rate-limit.web.trusted-proxies", null);
		DOCUMENTED.put("redis.patterns.rate-limit.web.forwarded-for-header", "X-Forwarded-For");
		DOCUMENTED.put("redis.patterns.rate-limit.web.filter.order", 0);
		DOCUMENTED.put("redis.patterns.rate-limit.web.filter.rules", null);
	}

	@Test
	void rateLimitPropertiesHaveDescriptionsAndDefaults() throws Exception {
		Map<String, JsonNode> properties = properties();
		for (Map.Entry<String, Object> documented : DOCUMENTED.entrySet()) {
			JsonNode property = properties.get(documented.getKey());
			assertThat(property).as(documented.getKey()).isNotNull();
			assertThat(property.path("description").asString("")).as(documented.getKey() + " description").isNotBlank();
			if (documented.getValue() != null) {
				assertThat(property.get("defaultValue")).as(documented.getKey() + " default").isNotNull();
				assertThat(property.get("defaultValue").asString()).isEqualTo(documented.getValue().toString());
			}
		}
		assertThat(properties.keySet().stream().filter((name) -> name.startsWith("redis.patterns.rate-limit.")))
			.as("every property is listed here")
			.containsExactlyInAnyOrderElementsOf(DOCUMENTED.keySet());
	}

	private static Map<String, JsonNode> properties() throws Exception {
		try (InputStream in = RateLimitConfigurationMetadataTests.class.getClassLoader()
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

}
