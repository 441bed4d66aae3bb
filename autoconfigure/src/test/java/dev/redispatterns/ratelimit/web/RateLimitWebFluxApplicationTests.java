package dev.redispatterns.ratelimit.web;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
import org.springframework.web.server.ServerWebExchange;

import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real WebFlux application on Netty: reactive {@code @RateLimited} methods decided without blocking,
 * 429 problem responses with every header, headers on allowed responses, URL rules and spoofed
 * forwarded-for headers.
 */
@RedisTest
class RateLimitWebFluxApplicationTests {

	static RedisDeployment redis;

	static ConfigurableApplicationContext context;

	static HttpProbe http;

	@BeforeAll
	static void start(RedisDeployment deployment) {
		redis = deployment;
		context = start();
		http = new HttpProbe(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	static ConfigurableApplicationContext start(String... extra) {
		SpringApplication application = new SpringApplication(WebFluxApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
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
		redis.flushAll();
	}

	@Test
	void reactiveAnnotatedEndpointAnswers429WithProblemAndHeaders() {
		for (int i = 1; i <= 3; i++) {
			RateLimitWebContract.assertAllowedWithHeaders(http.get("/orders/alice"), "api", 3, 3 - i);
		}
		RateLimitWebContract.assertTooManyRequests(http.get("/orders/alice"), "api", 3);
		assertThat(http.get("/orders/bob").body()).isEqualTo("ordered by bob");
	}

	@Test
	void fluxEndpointsAreLimitedToo() {
		for (int i = 1; i <= 3; i++) {
			assertThat(http.get("/stream/carol").body()).isEqualTo("ab");
		}
		RateLimitWebContract.assertTooManyRequests(http.get("/stream/carol"), "api", 3);
	}

	@Test
	void urlRulesLimitWithoutAnnotations() {
		RateLimitWebContract.assertAllowedWithHeaders(http.get("/filtered/a"), "filtered", 2, 1);
		RateLimitWebContract.assertAllowedWithHeaders(http.get("/filtered/b"), "filtered", 2, 0);
		HttpResponse<String> refused = http.get("/filtered/c");
		RateLimitWebContract.assertTooManyRequests(refused, "filtered", 2);
		assertThat(refused.body()).contains("\"instance\":\"/filtered/c\"");
		assertThat(http.get("/tenants/t1/x").statusCode()).isEqualTo(200);
		assertThat(http.get("/tenants/t1/y").statusCode()).isEqualTo(200);
		assertThat(http.get("/tenants/t1/z").statusCode()).isEqualTo(429);
		assertThat(http.get("/tenants/t2/x").statusCode()).isEqualTo(200);
	}

	@Test
	void spoofedForwardedForFromAnUntrustedAddressDoesNotChangeTheBucket() {
		assertThat(http.get("/ip", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(200);
		assertThat(http.get("/ip", "X-Forwarded-For", "203.0.113.2").statusCode()).isEqualTo(200);
		assertThat(http.get("/ip", "X-Forwarded-For", "198.51.100.7, 203.0.113.3").statusCode()).isEqualTo(429);
		assertThat(http.get("/filtered/1", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(200);
		assertThat(http.get("/filtered/2", "X-Forwarded-For", "203.0.113.2").statusCode()).isEqualTo(200);
		assertThat(http.get("/filtered/3", "X-Forwarded-For", "203.0.113.3").statusCode()).isEqualTo(429);
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

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(WebFluxController.class)
	static class WebFluxApplication {

	}

	@RestController
	static class WebFluxController {

		@GetMapping("/orders/{user}")
		@RateLimited(value = "api", key = "#user")
		public Mono<String> order(@PathVariable String user) {
			return Mono.just("ordered by " + user);
		}

		@GetMapping("/stream/{user}")
		@RateLimited(value = "api", key = "'stream:' + #user")
		public Flux<String> stream(@PathVariable String user) {
			return Flux.just("a", "b");
		}

		@GetMapping("/ip")
		@RateLimited(value = "per-ip", key = "@clientIp.resolve(#exchange)")
		public Mono<String> ip(ServerWebExchange exchange) {
			return Mono.just("ip");
		}

		@GetMapping({ "/filtered/{id}", "/tenants/{tenant}/{id}" })
		public Mono<String> filtered(@PathVariable String id) {
			return Mono.just("filtered " + id);
		}


		@GetMapping("/plans/{plan}/{user}")
		@RateLimited(value = "plans", key = "#user", tier = "#plan")
		public Mono<String> plan(@PathVariable String plan, @PathVariable String user) {
			return Mono.just(plan);
		}

		@PostMapping("/login/{user}/{password}")
		@RateLimited(value = "logins", key = "#user", count = RateLimited.Count.FAILURES)
		public Mono<String> login(@PathVariable String user, @PathVariable String password) {
			return "secret".equals(password) ? Mono.just("welcome " + user)
					: Mono.error(new ResponseStatusException(HttpStatus.UNAUTHORIZED, "wrong password"));
		}

		@GetMapping("/partner")
		@RateLimited(value = "partner", key = "'partner'", waitTime = "20s")
		public Mono<String> partner() {
			return Mono.just("called");
		}

		@RequestMapping(path = "/methods/{id}", method = { RequestMethod.GET, RequestMethod.POST })
		public Mono<String> methods(@PathVariable String id) {
			return Mono.just(id);
		}
	}

}
