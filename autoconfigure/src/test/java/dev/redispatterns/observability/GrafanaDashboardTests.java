package dev.redispatterns.observability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard is importable as it is: a fixed uid, a Prometheus data-source variable that every
 * panel and query uses, unique panel ids, and a query in every panel. (That the queries name real series
 * is checked against a live scrape in {@link MeterCatalogueTests}.)
 */
class GrafanaDashboardTests {

	static final Path DASHBOARD = Path.of("..", "docs", "grafana", "redis-patterns-dashboard.json");

	@Test
	void hasAStableUidAndAPrometheusDataSourceVariable() throws Exception {
		JsonNode dashboard = dashboard();
		assertThat(dashboard.path("uid").asString()).isEqualTo("redis-patterns");
		assertThat(dashboard.path("title").asString()).isEqualTo("Redis Patterns");
		JsonNode datasource = variable(dashboard, "datasource");
		assertThat(datasource.path("type").asString()).isEqualTo("datasource");
		assertThat(datasource.path("query").asString()).isEqualTo("prometheus");
		assertThat(variable(dashboard, "job").path("includeAll").asBoolean()).isTrue();
		assertThat(variable(dashboard, "instance").path("includeAll").asBoolean()).isTrue();
	}

	@Test
	void everyPanelQueriesPrometheusThroughTheVariable() throws Exception {
		Set<Integer> ids = new HashSet<>();
		for (JsonNode panel : dashboard().path("panels")) {
			assertThat(ids.add(panel.path("id").asInt())).as("unique id " + panel.path("id")).isTrue();
			if ("row".equals(panel.path("type").asString())) {
				continue;
			}
			assertThat(panel.path("title").asString()).isNotBlank();
			assertThat(panel.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
			assertThat(panel.path("targets")).as(panel.path("title").asString()).isNotEmpty();
			for (JsonNode target : panel.path("targets")) {
				assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
				assertThat(target.path("expr").asString()).contains("redis_patterns_").contains("job=~\"$job\"");
			}
		}
	}

	static JsonNode dashboard() throws Exception {
		return JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
	}

	/** Every PromQL expression: panel targets and variable queries. */
	static List<String> queries(JsonNode dashboard) {
		List<String> queries = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			for (JsonNode target : panel.path("targets")) {
				queries.add(target.path("expr").asString());
			}
		}
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			if ("query".equals(variable.path("type").asString())) {
				queries.add(variable.path("definition").asString());
			}
		}
		return queries;
	}

	private static JsonNode variable(JsonNode dashboard, String name) {
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			if (name.equals(variable.path("name").asString())) {
				return variable;
			}
		}
		throw new AssertionError("No variable " + name);
	}

}
