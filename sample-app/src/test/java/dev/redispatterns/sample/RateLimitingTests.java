package dev.redispatterns.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public API is limited per client address and per user; sign-in more strictly. Refused calls are
 * answered 429 with the starter's headers and problem body.
 */
class RateLimitingTests extends ShopApplicationTestSupport {

	@Test
	void publicApiAnswers429WithHeadersPastThePerAddressLimit() {
		ShopClient scraper = client("10.3.0.1");
		HttpResponse<String> allowed = scraper.get("/api/products/2");
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(allowed.headers().firstValue("X-RateLimit-Limit")).hasValue("100");
		assertThat(allowed.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
				(policy) -> assertThat(policy).contains("\"api-ip\";q=100;w=10").contains("\"api-user\""));
		int granted = 1;
		HttpResponse<String> refused = null;
		for (int i = 0; i < 150 && refused == null; i++) {
			HttpResponse<String> response = scraper.get("/api/products/2");
			if (response.statusCode() == 429) {
				refused = response;
			}
			else {
				assertThat(response.statusCode()).isEqualTo(200);
				granted++;
			}
		}
		assertThat(refused).as("a 429 within 150 requests").isNotNull();
		// The sliding window weighs the previous window's count by how much of it still overlaps: a burst that
		// straddles a window edge is granted a little more or less than the limit, never twice the limit.
		assertThat(granted).isBetween(50, 199);
		assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, 20L));
		assertThat(refused.headers().firstValue("X-RateLimit-Limit")).hasValue("100");
		assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
		assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(ShopClient.json(refused).get("policy").asString()).isEqualTo("api-ip");
		assertThat(scraper.get("/api/products/2").statusCode()).as("still refused right after").isEqualTo(429);
		// another client is not affected
		assertThat(client("10.3.0.2").get("/api/products/2").statusCode()).isEqualTo(200);
	}

	@Test
	void signInIsLimitedPerUserNameAcrossAddresses() {
		for (int i = 1; i <= 5; i++) {
			HttpResponse<String> wrong = client("10.4.0." + i).post("/api/login",
					"{\"username\":\"mallory\",\"password\":\"guess-" + i + "\"}");
			assertThat(wrong.statusCode()).isEqualTo(401);
		}
		HttpResponse<String> refused = client("10.4.0.6").signIn("mallory");
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(refused.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
		assertThat(ShopClient.json(refused).get("policy").asString()).isEqualTo("login-user");
		// other users can still sign in from the same address
		assertThat(client("10.4.0.6").signIn("trent").statusCode()).isEqualTo(200);
	}

}
