package dev.redispatterns.sample;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health with the starter's component, and the starter's meters in Prometheus's format for Grafana.
 */
class ActuatorTests extends ShopApplicationTestSupport {

	@Test
	void healthShowsTheRedisPatternsComponent() {
		String health = client("10.10.0.1").get("/actuator/health").body();
		assertThat(health).contains("\"redisPatterns\"").contains("\"status\":\"UP\"");
		assertThat(client("10.10.0.1").get("/api/status").body()).contains("\"redisConnected\":true");
	}

	@Test
	void prometheusEndpointExposesTheStarterMeters() {
		ShopClient client = client("10.10.0.2");
		client.get("/api/products/20");
		client.get("/api/products/20");
		String scrape = client.get("/actuator/prometheus").body();
		assertThat(scrape).contains("redis_patterns_cache_requests_total{")
			.contains("redis_patterns_ratelimit_decisions_total{")
			.contains("application=\"redis-patterns-sample\"");
	}

}
