package dev.redispatterns.ratelimit.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

/**
 * {@code redis.patterns.rate-limit.web.ietf-headers=false} in WebFlux. A class of its own: closing a second
 * WebFlux context in a class would dispose Reactor Netty's global resources under the first one.
 */
@RedisTest
class RateLimitWebFluxIetfHeadersOffTests {

	static ConfigurableApplicationContext context;

	@BeforeAll
	static void start(RedisDeployment redis) {
		RateLimitWebFluxApplicationTests.redis = redis;
		context = RateLimitWebFluxApplicationTests.start("redis.patterns.rate-limit.web.ietf-headers=false");
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void onlyTheXRateLimitHeadersAreSent() {
		RateLimitWebContract.assertNoIetfHeaders(
				new HttpProbe(((WebServerApplicationContext) context).getWebServer().getPort()));
	}

}
