package dev.redispatterns.autoconfigure;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata the configuration processor generated, and the checks every area's metadata test makes
 * of the properties it documents.
 */
public final class GeneratedMetadata {

	private GeneratedMetadata() {
	}

	/** The generated properties by name. */
	public static Map<String, JsonNode> properties() throws Exception {
		return byName(metadata().get("properties"));
	}

	/** The generated and the hand-written value hints by property name. */
	public static Map<String, JsonNode> hints() throws Exception {
		return byName(metadata().path("hints"));
	}

	private static Map<String, JsonNode> byName(JsonNode items) {
		Map<String, JsonNode> byName = new HashMap<>();
		for (JsonNode item : items) {
			byName.put(item.get("name").asString(), item);
		}
		return byName;
	}

	private static JsonNode metadata() throws Exception {
		try (InputStream in = GeneratedMetadata.class.getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			return JsonMapper.builder().build().readTree(in);
		}
	}

	/**
	 * Every documented property exists with a description in the house style (no leading article, booleans
	 * start with "Whether") and, where one is given, the documented default (numbers compared as numbers).
	 * @param documented property name to its default, {@code null} where it has none
	 */
	public static void assertDescribed(Map<String, ?> documented) throws Exception {
		Map<String, JsonNode> properties = properties();
		documented.forEach((name, expected) -> {
			JsonNode property = properties.get(name);
			assertThat(property).as(name).isNotNull();
			String description = property.path("description").asString("");
			assertThat(description).as(name + " description").isNotBlank().doesNotStartWith("The ").doesNotStartWith("A ");
			if ("java.lang.Boolean".equals(property.path("type").asString(""))) {
				assertThat(description).as(name + " description").startsWith("Whether");
			}
			if (expected != null) {
				JsonNode value = property.get("defaultValue");
				assertThat(value).as(name + " default").isNotNull();
				if (value.isNumber()) {
					assertThat(value.asDouble()).as(name + " default").isEqualTo(Double.parseDouble(expected.toString()));
				}
				else {
					assertThat(value.asString()).as(name + " default").isEqualTo(expected.toString());
				}
			}
		});
	}

	/** Every generated property the filter selects is one of the documented ones. */
	public static void assertNoneUndocumented(Predicate<String> area, Map<String, ?> documented) throws Exception {
		assertThat(properties().keySet().stream().filter(area))
			.allSatisfy((name) -> assertThat(documented).as("listed in its area's metadata test")
				.containsKey(name));
	}

}
