package dev.redispatterns.reliability;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a long outage the application works again soon after Redis answers: the starter caps Lettuce's
 * exponential reconnect back-off ({@code redis.patterns.reconnect-max-delay}), which would otherwise wait
 * up to 30 seconds between attempts (after this 10 s outage, its next attempt would come about 6 s after
 * Redis is back).
 */
@RedisTest
class ReconnectAfterLongOutageTests {

	@Test
	void featuresRecoverWithinTheReconnectCapAfterALongOutage(RedisDeployment redis) throws Exception {
		try (FaultyProxy proxy = FaultyProxy.to(redis); ConfigurableApplicationContext context = ReliabilityApplication
			.start(proxy.springProperties()[0], proxy.springProperties()[1], "redis.patterns.reconnect-max-delay=1s")) {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			assertThat(limiter.tryAcquire("closed", "u").outcome()).isEqualTo(RateLimitOutcome.ALLOWED);
			proxy.refuse();
			long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (System.nanoTime() < end) {
				assertThat(limiter.tryAcquire("closed", "u").outcome()).isEqualTo(RateLimitOutcome.ERROR_CLOSED);
				Thread.sleep(100);
			}
			proxy.heal();
			long healed = System.nanoTime();
			while (limiter.tryAcquire("closed", "u").outcome() != RateLimitOutcome.ALLOWED) {
				assertThat(Duration.ofNanos(System.nanoTime() - healed)).as("back within the 1 s cap plus a margin")
					.isLessThan(Duration.ofSeconds(4));
				Thread.sleep(20);
			}
		}
	}

}
