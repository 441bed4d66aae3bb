package dev.redispatterns.autoconfigure;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property tables of {@code docs/configuration.md} are rendered from the configuration metadata (the
 * generated file merged with the hand-written additional one), so the page cannot drift from the code. Run
 * with {@code -Ddocs.update=true} to write the tables into the page instead of comparing.
 */
class ConfigurationMetadataDocsTests {

	static final Path PAGE = Path.of("..", "docs", "configuration.md");

	static final String BEGIN = "<!-- BEGIN GENERATED PROPERTY TABLES: ConfigurationMetadataDocsTests, "
			+ "regenerate with -Ddocs.update=true -->";

	static final String END = "<!-- END GENERATED PROPERTY TABLES -->";

	/** Feature prefixes in page order; the first is what no other prefix takes. */
	static final Map<String, String> GROUPS = new LinkedHashMap<>();

	static {
		GROUPS.put("redis.patterns.", "Core");
		GROUPS.put("redis.patterns.cache.", "Caching");
		GROUPS.put("redis.patterns.rate-limit.", "Rate limiting");
		GROUPS.put("redis.patterns.lock.", "Distributed locks");
		GROUPS.put("redis.patterns.messaging.", "Messaging");
		GROUPS.put("redis.patterns.session.", "Sessions");
		GROUPS.put("redis.patterns.structures.", "Data structures");
		GROUPS.put("redis.patterns.observability.", "Observability");
		GROUPS.put("management.endpoint.redispatterns.", "Actuator endpoint");
	}

	@Test
	void theConfigurationPageHoldsTheTablesOfTheMetadata() throws Exception {
		String expected = render(properties());
		String page = Files.readString(PAGE);
		int begin = page.indexOf(BEGIN);
		int end = page.indexOf(END);
		assertThat(begin).as("%s has the marker %s", PAGE, BEGIN).isNotNegative();
		assertThat(end).as("%s has the marker %s", PAGE, END).isGreaterThan(begin);
		String actual = page.substring(begin + BEGIN.length(), end);
		if (Boolean.getBoolean("docs.update")) {
			Files.writeString(PAGE, page.substring(0, begin + BEGIN.length()) + expected + page.substring(end));
			return;
		}
		assertThat(actual).as("docs/configuration.md between its markers differs from the configuration metadata; "
				+ "regenerate with ./mvnw -B -pl autoconfigure -am verify -Dtest=ConfigurationMetadataDocsTests "
				+ "-Dsurefire.failIfNoSpecifiedTests=false -Ddocs.update=true, or put this between the markers:%n%s",
				expected)
			.isEqualTo(expected);
	}

	@Test
	void everyPropertyHasItsRow() throws Exception {
		Map<String, JsonNode> properties = properties();
		String tables = render(properties);
		assertThat(properties).hasSizeGreaterThan(100);
		assertThat(properties.keySet()).allSatisfy((name) -> {
			assertThat(GROUPS.keySet().stream().anyMatch(name::startsWith)).as("%s has a group", name).isTrue();
			assertThat(tables).contains("| `" + name);
		});
		assertThat(tables.lines().filter((line) -> line.startsWith("| `"))).hasSameSizeAs(properties.keySet());
	}

	/** The generated metadata with the additional (hand-written) metadata merged over it, by name. */
	static Map<String, JsonNode> properties() throws Exception {
		Map<String, JsonNode> byName = new TreeMap<>();
		for (String file : List.of("META-INF/spring-configuration-metadata.json",
				"META-INF/additional-spring-configuration-metadata.json")) {
			for (JsonNode property : read(file).path("properties")) {
				JsonNode earlier = byName.get(property.get("name").asString());
				if (earlier == null) {
					byName.put(property.get("name").asString(), property);
				}
				else {
					Map<String, JsonNode> merged = new LinkedHashMap<>();
					earlier.properties().forEach((entry) -> merged.put(entry.getKey(), entry.getValue()));
					property.properties().forEach((entry) -> merged.put(entry.getKey(), entry.getValue()));
					byName.put(property.get("name").asString(), JsonMapper.builder().build().valueToTree(merged));
				}
			}
		}
		return byName;
	}

	private static JsonNode read(String resource) throws Exception {
		try (InputStream in = ConfigurationMetadataDocsTests.class.getClassLoader().getResourceAsStream(resource)) {
			assertThat(in).as(resource).isNotNull();
			return JsonMapper.builder().build().readTree(in);
		}
	}

	static String render(Map<String, JsonNode> properties) {
		Map<String, List<JsonNode>> grouped = new LinkedHashMap<>();
		GROUPS.keySet().forEach((prefix) -> grouped.put(prefix, new ArrayList<>()));
		properties.forEach((name, property) -> GROUPS.keySet()
			.stream()
			.filter(name::startsWith)
			.reduce((shorter, longer) -> longer)
			.ifPresent((prefix) -> grouped.get(prefix).add(property)));
		StringBuilder out = new StringBuilder("\n");
		grouped.forEach((prefix, rows) -> {
			if (rows.isEmpty()) {
				return;
			}
			out.append("\n### ").append(GROUPS.get(prefix)).append(" (`").append(prefix).append("*`)\n\n");
			out.append("| property | default | description |\n| --- | --- | --- |\n");
			for (JsonNode property : rows) {
				out.append("| `")
					.append(displayName(property))
					.append("` | ")
					.append(defaultValue(property.get("defaultValue")))
					.append(" | ")
					.append(description(property))
					.append(" |\n");
			}
		});
		return out.append("\n").toString();
	}

	/** A map of settings per name shows its keys as {@code <name>}. */
	private static String displayName(JsonNode property) {
		String name = property.get("name").asString();
		String type = property.path("type").asString("");
		if (!type.startsWith("java.util.Map<java.lang.String,")) {
			return name;
		}
		return type.startsWith("java.util.Map<java.lang.String,java.lang.") ? name + ".<name>" : name + ".<name>.*";
	}

	private static String defaultValue(JsonNode value) {
		if (value == null || value.isNull()) {
			return "";
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			return items.isEmpty() ? "" : "`" + String.join(", ", items) + "`";
		}
		return "`" + value.asString() + "`";
	}

	private static String description(JsonNode property) {
		StringBuilder text = new StringBuilder();
		JsonNode deprecation = property.get("deprecation");
		if (deprecation != null || property.path("deprecated").asBoolean(false)) {
			text.append("*Deprecated");
			String replacement = (deprecation != null) ? deprecation.path("replacement").asString("") : "";
			if (!replacement.isEmpty()) {
				text.append(": use `").append(replacement).append('`');
			}
			text.append(".* ");
		}
		String description = property.path("description").asString("").replaceAll("\\s+", " ").trim();
		return text.append(description.replaceAll("([\\\\`*_|<>\\[\\]])", "\\\\$1")).toString();
	}

}
