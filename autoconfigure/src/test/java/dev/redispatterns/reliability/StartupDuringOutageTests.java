package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockNotAcquiredException;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.observability.internal.RedisPatternsHealthIndicator;
import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application starts while Redis cannot be reached (deployed together with Redis, or during an
 * outage), works in its degraded mode, and every feature — stream consumer groups created late
 * included — works once Redis answers, without a restart. (Spring's pub/sub listener container is the
 * exception: it fails the start while Redis is down, so this application has no pub/sub listener.)
 */
@Tag("redis")
class StartupDuringOutageTests {

	@Test
	void theApplicationStartsWhileRedisIsDownAndEveryFeatureWorksOnceItIsUp() throws Exception {
		try (RedisServerProcess redis = RedisServerProcess.start(); FaultyProxy proxy = FaultyProxy.to(redis)) {
			proxy.refuse();
			List<String> properties = new ArrayList<>(List.of(FeatureTour.PROPERTIES));
			properties.addAll(List.of(proxy.springProperties()));
			properties.add("reliability.pub-sub=false");
			long start = System.nanoTime();
			try (ConfigurableApplicationContext context = ReliabilityApplication
				.start(properties.toArray(String[]::new))) {
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("start-up is not held up by Redis")
					.isLessThan(Duration.ofSeconds(30));
				assertThat(context.getBean(RedisConnector.class).isConnected()).isFalse();
				assertThat(context.getBean(CatalogService.class).value("down")).isEqualTo("value-down");
				assertThat(context.getBean(RateLimiter.class).tryAcquire("open", "u").outcome())
					.isEqualTo(RateLimitOutcome.ERROR_OPEN);
				assertThatThrownBy(() -> context.getBean(LockManager.class)
					.lock("down", new LockRequest(Duration.ZERO, Duration.ofSeconds(5), "down")))
					.isInstanceOf(LockNotAcquiredException.class);
				assertThatThrownBy(() -> context.getBean(StreamPublisher.class)
					.publish(StreamRecorder.STREAM, new FaultEvent("down")))
					.isInstanceOf(RedisUnavailableException.class);
				RedisPatternsHealthIndicator health = new RedisPatternsHealthIndicator(
						context.getBean(RedisConnector.class), true);
				assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

				proxy.heal();
				FeatureTour.await("Redis reached", () -> context.getBean(RedisConnector.class).isConnected()
						|| context.getBean(RateLimiter.class).tryAcquire("open", "u").outcome() == RateLimitOutcome.ALLOWED);
				new FeatureTour(context).run("late");
			}
		}
	}

}
