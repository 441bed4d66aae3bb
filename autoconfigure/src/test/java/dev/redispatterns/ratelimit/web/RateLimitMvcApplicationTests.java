package dev.redispatterns.ratelimit.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Spring MVC application on Tomcat: 429 problem responses with every header, headers on allowed
 * responses, URL rules without annotations, spoofed forwarded-for headers, and 503 when Redis is down for a
 * fail-closed policy.
 */
@RedisTest(process = true)
class RateLimitMvcApplicationTests {

	static RedisServerProcess redis;

	static ConfigurableApplicationContext context;

	static HttpProbe http;

	@BeforeAll
	static void start(RedisServerProcess server) {
		redis = server;
		context = start();
		http = new HttpProbe(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	static ConfigurableApplicationContext start(String... extra) {
		SpringApplication application = new SpringApplication(MvcApplication.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		String[] args = Stream
			.of(Arrays.stream(redis.springProperties()), Arrays.stream(RateLimitWebContract.POLICIES), Arrays.stream(extra))
			.flatMap((properties) -> properties)
			.map((property) -> "--" + property)
			.toArray(String[]::new);
		return application.run(args);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@BeforeEach
	void flush() {
		if (redis.isRunning()) {
			redis.flushAll();
		}
	}

	@Test
	void annotatedEndpointAnswers429WithProblemAndHeaders() {
		for (int i = 1; i <= 3; i++) {
			RateLimitWebContract.assertAllowedWithHeaders(http.get("/orders/alice"), "api", 3, 3 - i);
		}
		HttpResponse<String> refused = http.get("/orders/alice");
		RateLimitWebContract.assertTooManyRequests(refused, "api", 3);
		assertThat(refused.body()).contains("\"instance\":\"/orders/alice\"");
		assertThat(http.get("/orders/bob").statusCode()).isEqualTo(200);
	}

	@Test
	void urlRulesLimitWithoutAnnotations() {
		RateLimitWebContract.assertAllowedWithHeaders(http.get("/filtered/a"), "filtered", 2, 1);
		RateLimitWebContract.assertAllowedWithHeaders(http.get("/filtered/b"), "filtered", 2, 0);
		HttpResponse<String> refused = http.get("/filtered/c");
		RateLimitWebContract.assertTooManyRequests(refused, "filtered", 2);
		assertThat(refused.body()).contains("\"instance\":\"/filtered/c\"");
		// one bucket per path variable
		assertThat(http.get("/tenants/t1/x").statusCode()).isEqualTo(200);
		assertThat(http.get("/tenants/t1/y").statusCode()).isEqualTo(200);
		assertThat(http.get("/tenants/t1/z").statusCode()).isEqualTo(429);
		assertThat(http.get("/tenants/t2/x").statusCode()).isEqualTo(200);
	}

	@Test
	void spoofedForwardedForFromAnUntrustedAddressDoesNotChangeTheBucket() {
		// 127.0.0.1 is not a trusted proxy here: whatever the header says, the bucket is the peer address.
		assertThat(http.get("/ip", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(200);
		assertThat(http.get("/ip", "X-Forwarded-For", "203.0.113.2").statusCode()).isEqualTo(200);
		assertThat(http.get("/ip", "X-Forwarded-For", "198.51.100.7, 203.0.113.3").statusCode()).isEqualTo(429);
		assertThat(http.get("/filtered/1", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(200);
		assertThat(http.get("/filtered/2", "X-Forwarded-For", "203.0.113.2").statusCode()).isEqualTo(200);
		assertThat(http.get("/filtered/3", "X-Forwarded-For", "203.0.113.3").statusCode()).isEqualTo(429);
	}

	@Test
	void redisDownFailsClosedWith503AndOpenWith200InBoundedTime() {
		assertThat(http.get("/strict").statusCode()).isEqualTo(200);
		redis.stop();
		try {
			long start = System.nanoTime();
			RateLimitWebContract.assertServiceUnavailable(http.get("/strict"), "strict");
			HttpResponse<String> open = http.get("/orders/erin");
			assertThat(open.statusCode()).as("fail-open policy lets the call through").isEqualTo(200);
			assertThat(open.headers().firstValue("X-RateLimit-Limit")).as("nothing known, nothing claimed").isEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		}
		finally {
			redis.restart();
			awaitRedisDecides();
		}
	}

	/** After a restart, waits until decisions come from Redis again rather than from fail-open. */
	private static void awaitRedisDecides() {
		RateLimiter limiter = context.getBean(RateLimiter.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (limiter.tryAcquire("strict", "probe").outcome() != RateLimitOutcome.ALLOWED) {
			assertThat(System.nanoTime()).as("Redis decides again").isLessThan(deadline);
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	@Test
	void aTierChosenPerRequestShowsItsLimitAndName() {
		RateLimitWebContract.assertTierShown(http);
	}

	@Test
	void signInCountingOnlyFailuresRefusesOnceTheFailuresUseTheBudgetUp() {
		RateLimitWebContract.assertOnlyFailuresCount(http);
	}

	@Test
	void filterRuleMethodsSelectTheRequestsItLimits() {
		RateLimitWebContract.assertRuleMethodsSelectRequests(http);
	}

	@Test
	void anEndpointThatWaitsForItsPermitsServesEveryConcurrentCaller() throws Exception {
		RateLimitWebContract.assertWaitingInsteadOfRefusing(http);
	}

	@Test
	void ietfHeadersCanBeSwitchedOff() {
		ConfigurableApplicationContext withoutIetf = start("redis.patterns.rate-limit.web.ietf-headers=false");
		try {
			RateLimitWebContract.assertNoIetfHeaders(
					new HttpProbe(((WebServerApplicationContext) withoutIetf).getWebServer().getPort()));
		}
		finally {
			withoutIetf.close();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(MvcController.class)
	static class MvcApplication {

	}

	@RestController
	static class MvcController {

		@GetMapping("/orders/{user}")
		@RateLimited(value = "api", key = "#user")
		String order(@PathVariable String user) {
			return "ordered by " + user;
		}

		@GetMapping("/ip")
		@RateLimited(value = "per-ip", key = "@clientIp.current()")
		String ip() {
			return "ip";
		}

		@GetMapping("/strict")
		@RateLimited(value = "strict")
		String strict() {
			return "strict";
		}

		@GetMapping({ "/filtered/{id}", "/tenants/{tenant}/{id}" })
		String filtered(@PathVariable String id) {
			return "filtered " + id;
		}


		@GetMapping("/plans/{plan}/{user}")
		@RateLimited(value = "plans", key = "#user", tier = "#plan")
		String plan(@PathVariable String plan, @PathVariable String user) {
			return plan;
		}

		@PostMapping("/login/{user}/{password}")
		@RateLimited(value = "logins", key = "#user", count = RateLimited.Count.FAILURES)
		String login(@PathVariable String user, @PathVariable String password) {
			if (!"secret".equals(password)) {
				throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "wrong password");
			}
			return "welcome " + user;
		}

		@GetMapping("/partner")
		@RateLimited(value = "partner", key = "'partner'", waitTime = "20s")
		String partner() {
			return "called";
		}

		@RequestMapping(path = "/methods/{id}", method = { RequestMethod.GET, RequestMethod.POST })
		String methods(@PathVariable String id) {
			return id;
		}
	}

}
