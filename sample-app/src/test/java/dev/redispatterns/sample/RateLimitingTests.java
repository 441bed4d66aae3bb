package dev.redispatterns.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.redispatterns.sample.orders.SimulatedPaymentGateway;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public API is limited per client address and per user (by plan); sign-in counts failed attempts only;
 * charges to the payment provider wait for their turn. Refused calls are answered 429 with the starter's
 * headers and problem body.
 */
class RateLimitingTests extends ShopApplicationTestSupport {

	@Autowired
	private SimulatedPaymentGateway payments;

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
		// (no "still refused right after": when the burst straddled a window edge, the sliding window returns a
		// permit every 100 ms, so a request delayed by a loaded machine may rightly pass)
		// another client is not affected
		assertThat(client("10.3.0.2").get("/api/products/2").statusCode()).isEqualTo(200);
	}

	@Test
	void failedSignInsAreLimitedPerUserAndAddressSoNobodyCanLockTheOwnerOut() {
		ShopClient attacker = client("10.4.0.1");
		for (int i = 1; i <= 5; i++) {
			HttpResponse<String> wrong = attacker.post("/api/login",
					"{\"username\":\"mallory\",\"password\":\"guess-" + i + "\"}");
			assertThat(wrong.statusCode()).isEqualTo(401);
		}
		HttpResponse<String> refused = attacker.signIn("mallory");
		assertThat(refused.statusCode()).as("even the right password, from the guessing address").isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(refused.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
		assertThat(ShopClient.json(refused).get("policy").asString()).isEqualTo("login-failures");
		assertThat(client("10.4.0.2").signIn("mallory").statusCode()).as("the owner, from her own address")
			.isEqualTo(200);
		assertThat(attacker.signIn("trent").statusCode()).as("other users from the same address").isEqualTo(200);
	}

	@Test
	void successfulSignInsNeverCount() {
		ShopClient office = client("10.4.1.1");
		for (int i = 0; i < 30; i++) {
			assertThat(office.signIn("trent").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void perUserLimitsFollowTheCustomersPlan() {
		ShopClient premium = client("10.5.0.1");
		assertThat(premium.signIn("olivia").statusCode()).isEqualTo(200);
		assertThat(premium.get("/api/products/3").headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
				(policy) -> assertThat(policy).contains("\"api-user\";q=1000"));
		ShopClient basic = client("10.5.0.2");
		assertThat(basic.signIn("trent").statusCode()).isEqualTo(200);
		assertThat(basic.get("/api/products/3").headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
				(policy) -> assertThat(policy).contains("\"api-user\";q=200"));
		assertThat(client("10.5.0.3").get("/api/products/3").headers().firstValue("RateLimit-Policy"))
			.as("anonymous callers: the policy's own settings")
			.hasValueSatisfying((policy) -> assertThat(policy).contains("\"api-user\";q=200"));
	}

	@Test
	void chargesOverThePaymentProvidersRateWaitInsteadOfFailing() throws Exception {
		// 20 charges a second: 30 at once are all served, the last ones after a short wait
		ExecutorService pool = Executors.newFixedThreadPool(10);
		try {
			List<Future<String>> charges = new ArrayList<>();
			for (int i = 0; i < 30; i++) {
				String order = "throttled-" + i;
				charges.add(pool.submit(() -> this.payments.charge("walter", 100, order)));
			}
			for (Future<String> charge : charges) {
				assertThat(charge.get(60, TimeUnit.SECONDS)).startsWith("pay_");
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

}
