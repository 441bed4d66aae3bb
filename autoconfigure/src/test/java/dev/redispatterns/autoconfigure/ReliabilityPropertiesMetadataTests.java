package dev.redispatterns.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core settings added for reliability and security are described in the IDE metadata (the processor
 * cannot read the default of a list; the additional metadata states it).
 */
class ReliabilityPropertiesMetadataTests {

	@Test
	void reconnectCapAndAllowedBeansAreDescribed() throws Exception {
		Map<String, JsonNode> properties = GeneratedMetadata.properties();
		JsonNode reconnect = properties.get("redis.patterns.reconnect-max-delay");
		assertThat(reconnect.path("description").asString()).contains("reconnect");
		assertThat(reconnect.get("defaultValue").asString()).isEqualTo("2s");
		JsonNode beans = properties.get("redis.patterns.expressions.allowed-beans");
		assertThat(beans.path("description").asString()).contains("'*' allows every bean");
	}

}
