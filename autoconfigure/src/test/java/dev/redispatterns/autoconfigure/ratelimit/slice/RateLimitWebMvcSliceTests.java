package dev.redispatterns.autoconfigure.ratelimit.slice;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.ratelimit.RateLimitPolicy;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * An application's {@code @WebMvcTest}, with no Redis: the starter's 429 answer is part of the slice.
 */
@WebMvcTest
class RateLimitWebMvcSliceTests {

	@Autowired
	private MockMvc mvc;

	@Test
	void rateLimitExceededBecomes429WithHeadersAndProblemBody() throws Exception {
		this.mvc.perform(get("/search"))
			.andExpect(status().isTooManyRequests())
			.andExpect(header().string("Retry-After", "7"))
			.andExpect(header().string("X-RateLimit-Limit", "100"))
			.andExpect(header().string("X-RateLimit-Remaining", "0"))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.policy").value("api"));
	}

	@Configuration(proxyBeanMethods = false)
	@Import(SearchController.class)
	static class Application {

	}

	@RestController
	static class SearchController {

		@GetMapping("/search")
		String search() {
			RateLimitPolicy api = RateLimitPolicy.of("api", RateLimitAlgorithm.GCRA, 100, Duration.ofMinutes(1));
			throw new RateLimitExceededException(RateLimitDecision.rejected(api, 1, Duration.ofSeconds(7)));
		}

	}

}
