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
			"redis.patterns.rate-limit.policies.plans.algorithm=fixed-window",
			"redis.patterns.rate-limit.policies.plans.limit=1", "redis.patterns.rate-limit.policies.plans.window=1h",
			"redis.patterns.rate-limit.policies.plans.tiers.pro.limit=3",
			"redis.patterns.rate-limit.policies.logins.algorithm=sliding-log",
			"redis.patterns.rate-limit.policies.logins.limit=2", "redis.patterns.rate-limit.policies.logins.window=1h",
			"redis.patterns.rate-limit.policies.partner.algorithm=gcra",
			"redis.patterns.rate-limit.policies.partner.limit=1",
			"redis.patterns.rate-limit.policies.partner.window=300ms",
			"redis.patterns.rate-limit.web.filter.rules.writes.patterns=/methods/**",
			"redis.patterns.rate-limit.web.filter.rules.writes.methods=POST,put",
			"redis.patterns.rate-limit.web.filter.rules.writes.policy=filtered",
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

	/** A tier chosen per request: its limit in the headers and the problem, its name beside them. */
	static void assertTierShown(HttpProbe http) {
		for (int i = 1; i <= 3; i++) {
			HttpResponse<String> allowed = http.get("/plans/pro/ann");
			assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
			assertThat(HttpProbe.header(allowed, "X-RateLimit-Limit")).isEqualTo("3");
			assertThat(HttpProbe.header(allowed, "X-RateLimit-Remaining")).isEqualTo(Long.toString(3 - i));
			assertThat(HttpProbe.header(allowed, "X-RateLimit-Tier")).isEqualTo("pro");
			assertThat(HttpProbe.header(allowed, "RateLimit-Policy")).startsWith("\"plans\";q=3;w=3600");
		}
		HttpResponse<String> refused = http.get("/plans/pro/ann");
		assertTooManyRequests(refused, "plans", 3);
		assertThat(HttpProbe.header(refused, "X-RateLimit-Tier")).isEqualTo("pro");
		assertThat(refused.body()).contains("\"tier\":\"pro\"");
		HttpResponse<String> unknown = http.get("/plans/free/ben");
		assertThat(HttpProbe.header(unknown, "X-RateLimit-Limit")).as("the policy's own limit").isEqualTo("1");
		assertThat(HttpProbe.header(unknown, "X-RateLimit-Tier")).isNull();
		HttpResponse<String> unknownRefused = http.get("/plans/free/ben");
		assertTooManyRequests(unknownRefused, "plans", 1);
		assertThat(unknownRefused.body()).doesNotContain("\"tier\"");
	}

	/** Sign-in counting failures only: successes never use the budget, failures do, then everybody waits. */
	static void assertOnlyFailuresCount(HttpProbe http) {
		for (int i = 0; i < 5; i++) {
			assertThat(http.post("/login/cleo/secret").statusCode()).as("successful sign-ins are free").isEqualTo(200);
		}
		assertThat(http.post("/login/cleo/guess-1").statusCode()).isEqualTo(401);
		assertThat(http.post("/login/cleo/guess-2").statusCode()).isEqualTo(401);
		assertTooManyRequests(http.post("/login/cleo/guess-3"), "logins", 2);
		assertThat(http.post("/login/cleo/secret").statusCode()).as("the failures used the budget up").isEqualTo(429);
		assertThat(http.post("/login/dora/secret").statusCode()).isEqualTo(200);
	}

	/** The rule {@code writes} limits POST and PUT only (methods matched ignoring case). */
	static void assertRuleMethodsSelectRequests(HttpProbe http) {
		for (int i = 0; i < 4; i++) {
			HttpResponse<String> read = http.get("/methods/m");
			assertThat(read.statusCode()).isEqualTo(200);
			assertThat(HttpProbe.header(read, "X-RateLimit-Limit")).as("GET is not limited").isNull();
		}
		assertAllowedWithHeaders(http.post("/methods/m"), "filtered", 2, 1);
		assertAllowedWithHeaders(http.post("/methods/m"), "filtered", 2, 0);
		assertTooManyRequests(http.post("/methods/m"), "filtered", 2);
		assertThat(http.get("/methods/m").statusCode()).isEqualTo(200);
	}

	/** Concurrent calls to an endpoint that waits for its permits (1 per 300 ms): none is refused. */
	static void assertWaitingInsteadOfRefusing(HttpProbe http) throws Exception {
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
		try {
			java.util.List<java.util.concurrent.Future<HttpResponse<String>>> responses = new java.util.ArrayList<>();
			for (int i = 0; i < 4; i++) {
				responses.add(pool.submit(() -> http.get("/partner")));
			}
			for (java.util.concurrent.Future<HttpResponse<String>> response : responses) {
				HttpResponse<String> answer = response.get(60, java.util.concurrent.TimeUnit.SECONDS);
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** With {@code web.ietf-headers=false} only the {@code X-RateLimit-*} headers are sent. */
	static void assertNoIetfHeaders(HttpProbe http) {
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> allowed = http.get("/orders/ivan");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(HttpProbe.header(allowed, "X-RateLimit-Limit")).isEqualTo("3");
			assertThat(HttpProbe.header(allowed, "RateLimit")).isNull();
			assertThat(HttpProbe.header(allowed, "RateLimit-Policy")).isNull();
		}
		HttpResponse<String> refused = http.get("/orders/ivan");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(HttpProbe.header(refused, "X-RateLimit-Remaining")).isEqualTo("0");
		assertThat(Long.parseLong(HttpProbe.header(refused, "Retry-After"))).isPositive();
		assertThat(HttpProbe.header(refused, "RateLimit")).isNull();
		assertThat(HttpProbe.header(refused, "RateLimit-Policy")).isNull();
		assertThat(refused.body()).contains("\"policy\":\"api\"");
	}

	static void assertServiceUnavailable(HttpResponse<String> response, String policy) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(HttpProbe.header(response, "Content-Type")).startsWith("application/problem+json");
		assertThat(HttpProbe.header(response, "Retry-After")).isEqualTo("1");
		assertThat(response.body()).contains("\"status\":503").contains("\"policy\":\"" + policy + "\"");
	}

}
