package dev.redispatterns.autoconfigure.ratelimit.slice;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.ratelimit.RateLimitPolicy;

/**
 * An application's {@code @WebFluxTest}, with no Redis: the starter's 429 answer is part of the slice.
 */
@WebFluxTest
class RateLimitWebFluxSliceTests {

	@Autowired
	private WebTestClient client;

	@Test
	void rateLimitExceededBecomes429WithHeadersAndProblemBody() {
		this.client.get()
			.uri("/feed")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
			.expectHeader()
			.valueEquals("Retry-After", "7")
			.expectHeader()
			.valueEquals("X-RateLimit-Limit", "100")
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.policy")
			.isEqualTo("api");
	}

	@Configuration(proxyBeanMethods = false)
	@Import(FeedController.class)
	static class Application {

	}

	@RestController
	static class FeedController {

		@GetMapping("/feed")
		Mono<String> feed() {
			RateLimitPolicy api = RateLimitPolicy.of("api", RateLimitAlgorithm.GCRA, 100, Duration.ofMinutes(1));
			return Mono.error(new RateLimitExceededException(RateLimitDecision.rejected(api, 1, Duration.ofSeconds(7))));
		}

	}

}
