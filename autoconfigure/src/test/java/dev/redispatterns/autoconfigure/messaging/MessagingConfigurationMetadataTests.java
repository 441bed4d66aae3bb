package dev.redispatterns.autoconfigure.messaging;

import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata describes every messaging property with its default, as the README documents them.
 */
class MessagingConfigurationMetadataTests {

	static final Map<String, Object> DOCUMENTED = new LinkedHashMap<>();

	static {
		DOCUMENTED.put("redis.patterns.messaging.enabled", true);
		DOCUMENTED.put("redis.patterns.messaging.shutdown-timeout", "10s");
		DOCUMENTED.put("redis.patterns.messaging.pub-sub.sharded", true);
		DOCUMENTED.put("redis.patterns.messaging.stream.max-length", 100000);
		DOCUMENTED.put("redis.patterns.messaging.stream.max-age", null);
		DOCUMENTED.put("redis.patterns.messaging.stream.concurrency", 1);
		DOCUMENTED.put("redis.patterns.messaging.stream.batch-size", 10);
		DOCUMENTED.put("redis.patterns.messaging.stream.poll-timeout", "1s");
		DOCUMENTED.put("redis.patterns.messaging.stream.reclaim-after", "30s");
		DOCUMENTED.put("redis.patterns.messaging.stream.max-deliveries", 5);
		DOCUMENTED.put("redis.patterns.messaging.stream.dead-letter-max-length", 10000);
		DOCUMENTED.put("redis.patterns.messaging.stream.start-from", "earliest");
		DOCUMENTED.put("redis.patterns.messaging.stream.stale-consumer-timeout", "1h");
		DOCUMENTED.put("redis.patterns.messaging.streams", null);
		DOCUMENTED.put("redis.patterns.messaging.queue.max-length", 1000000);
		DOCUMENTED.put("redis.patterns.messaging.queue.concurrency", 1);
		DOCUMENTED.put("redis.patterns.messaging.queue.poll-timeout", "1s");
		DOCUMENTED.put("redis.patterns.messaging.queue.max-deliveries", 5);
		DOCUMENTED.put("redis.patterns.messaging.queue.retry-delay", "5s");
		DOCUMENTED.put("redis.patterns.messaging.queue.consumer-timeout", "30s");
		DOCUMENTED.put("redis.patterns.messaging.queue.dead-letter-max-length", 10000);
		DOCUMENTED.put("redis.patterns.messaging.queues", null);
		DOCUMENTED.put("redis.patterns.messaging.idempotency.lease", "1m");
	}

	@Test
	void messagingPropertiesHaveDescriptionsAndDefaults() throws Exception {
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
				assertThat(property.get("defaultValue").asString()).as(documented.getKey() + " default")
					.isEqualTo(documented.getValue().toString());
			}
			if (property.get("type").asString().equals("java.lang.Boolean")) {
				assertThat(property.get("description").asString()).startsWith("Whether");
			}
		}
	}

	@Test
	void everyMessagingPropertyIsDocumentedHere() throws Exception {
		assertThat(properties().keySet().stream().filter((name) -> name.startsWith("redis.patterns.messaging.")))
			.containsExactlyInAnyOrderElementsOf(DOCUMENTED.keySet());
	}

	static Map<String, JsonNode> properties() throws Exception {
		try (InputStream in = MessagingConfigurationMetadataTests.class.getClassLoader()
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
