package dev.redispatterns.autoconfigure.lock;

import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata describes every lock property, with its default where it has one.
 */
class LockConfigurationMetadataTests {

	static final Map<String, Object> DOCUMENTED = new LinkedHashMap<>();

	static {
		DOCUMENTED.put("redis.patterns.lock.enabled", true);
		DOCUMENTED.put("redis.patterns.lock.default-wait-time", "5s");
		DOCUMENTED.put("redis.patterns.lock.default-lease-time", null);
		DOCUMENTED.put("redis.patterns.lock.poll-interval", "1s");
		DOCUMENTED.put("redis.patterns.lock.fencing-counter-ttl", "1h");
		DOCUMENTED.put("redis.patterns.lock.replica-acks", 0);
		DOCUMENTED.put("redis.patterns.lock.replica-ack-timeout", "500ms");
		DOCUMENTED.put("redis.patterns.lock.watchdog.lease", "30s");
		DOCUMENTED.put("redis.patterns.lock.watchdog.interval", null);
		DOCUMENTED.put("redis.patterns.lock.watchdog.interrupt-holder", false);
		DOCUMENTED.put("redis.patterns.lock.locks", null);
	}

	@Test
	void everyLockPropertyIsDescribedWithItsDefault() throws Exception {
		Map<String, JsonNode> properties = properties();
		for (Map.Entry<String, Object> documented : DOCUMENTED.entrySet()) {
			JsonNode property = properties.get(documented.getKey());
			assertThat(property).as(documented.getKey()).isNotNull();
			assertThat(property.path("description").asString("")).as(documented.getKey() + " description")
				.isNotBlank()
				.doesNotStartWith("The ")
				.doesNotStartWith("A ");
			if (documented.getValue() != null) {
				assertThat(property.get("defaultValue")).as(documented.getKey() + " default").isNotNull();
				assertThat(property.get("defaultValue").asString()).isEqualTo(documented.getValue().toString());
			}
		}
		assertThat(properties.get("redis.patterns.lock.watchdog.interrupt-holder").get("description").asString())
			.startsWith("Whether");
	}

	@Test
	void noUndocumentedLockProperties() throws Exception {
		assertThat(properties().keySet().stream().filter((name) -> name.startsWith("redis.patterns.lock.")))
			.allMatch(DOCUMENTED::containsKey);
	}

	static Map<String, JsonNode> properties() throws Exception {
		try (InputStream in = LockConfigurationMetadataTests.class.getClassLoader()
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
