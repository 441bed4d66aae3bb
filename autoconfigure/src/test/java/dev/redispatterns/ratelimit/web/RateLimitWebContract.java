package dev.redispatterns.ratelimit.web;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a refused and an allowed response look like, in Spring MVC and WebFlux alike.
 */
final class RateLimitWebContract {

	/** Policies of both test applications. */
	static final String[] POLICIES = { "redis.patterns.rate-limit.policies.api.algorithm=fixed-window",
			"redis.patterns.rate-limit.policies.api.limit=3", "redis.patterns.rate-limit.policies.api.window=1h",
			"redis.patterns.rate-limit.policies.per-ip.algorithm=sliding-log",
			"redis.patterns.rate-limit.policies.per-ip.limit=2", "redis.patterns.rate-limit.policies.per-ip.window=1h",
			"redis.patterns.rate-limit.policies.filtered.algorithm=gcra",
			"redis.patterns.rate-limit.policies.filtered.limit=2", "redis.patterns.rate-limit.policies.filtered.window=1h",
			"redis.patterns.rate-limit.policies.strict.algorithm=token-bucket",
			"redis.patterns.rate-limit.policies.strict.capacity=100",
			"redis.patterns.rate-limit.policies.strict.refill-rate=10",
			"redis.patterns.rate-limit.policies.strict.fail-open=false",
			"redis.patterns.rate-limit.web.filter.rules.filtered.patterns=/filtered/**",
			"redis.patterns.rate-limit.web.filter.rules.filtered.policy=filtered",
			"redis.patterns.rate-limit.web.filter.rules.tenants.patterns=/tenants/{tenant}/**",
			"redis.patterns.rate-limit.web.filter.rules.tenants.policy=filtered",
			"redis.patterns.rate-limit.web.filter.rules.tenants.key=path-variable:tenant",
			"redis.patterns.rate-limit.command-timeout=300ms", "redis.patterns.command-timeout=300ms",
			"server.port=0", "management.health.redispatterns.enabled=false" };

	private RateLimitWebContract() {
	}

	static void assertAllowedWithHeaders(HttpResponse<String> response, String policy, long limit, long remaining) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(HttpProbe.header(response, "X-RateLimit-Limit")).isEqualTo(Long.toString(limit));
		assertThat(HttpProbe.header(response, "X-RateLimit-Remaining")).isEqualTo(Long.toString(remaining));
		assertThat(Long.parseLong(HttpProbe.header(response, "X-RateLimit-Reset"))).isPositive();
		assertThat(HttpProbe.header(response, "RateLimit-Policy")).startsWith("\"" + policy + "\";q=" + limit + ";w=");
		assertThat(HttpProbe.header(response, "RateLimit")).matches("\"" + policy + "\";r=" + remaining + ";t=\\d+");
		assertThat(HttpProbe.header(response, "Retry-After")).isNull();
	}

	static void assertTooManyRequests(HttpResponse<String> response, String policy, long limit) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
		assertThat(HttpProbe.header(response, "Content-Type")).startsWith("application/problem+json");
		assertThat(Long.parseLong(HttpProbe.header(response, "Retry-After"))).isPositive();
		assertThat(HttpProbe.header(response, "X-RateLimit-Limit")).isEqualTo(Long.toString(limit));
		assertThat(HttpProbe.header(response, "X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(Long.parseLong(HttpProbe.header(response, "X-RateLimit-Reset"))).isPositive();
		assertThat(HttpProbe.header(response, "RateLimit-Policy")).contains("\"" + policy + "\";q=" + limit + ";w=");
		assertThat(HttpProbe.header(response, "RateLimit")).contains("\"" + policy + "\";r=0;t=");
		assertThat(response.body()).contains("\"status\":429")
			.contains("\"title\":\"Too Many Requests\"")
			.contains("\"policy\":\"" + policy + "\"")
			.contains("\"limit\":" + limit)
			.contains("\"remaining\":0")
			.contains("\"retryAfter\":");
	}

	static void assertServiceUnavailable(HttpResponse<String> response, String policy) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(HttpProbe.header(response, "Content-Type")).startsWith("application/problem+json");
		assertThat(HttpProbe.header(response, "Retry-After")).isEqualTo("1");
		assertThat(response.body()).contains("\"status\":503").contains("\"policy\":\"" + policy + "\"");
	}

}
