package dev.redispatterns.messaging;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.autoconfigure.observability.RedisPatternsHealthContributorAutoConfiguration;
import dev.redispatterns.messaging.PubSubListenerTests.Metrics;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.observability.MessagingMetrics;
import dev.redispatterns.observability.internal.RedisPatternsHealthIndicator;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stream retention configured through properties, in an application context: a group of another application
 * holds the stream beyond its bound (warned, counted, shown in health) until it has read the entries, and
 * back-pressure refuses publishing.
 */
@RedisTest
class StreamRetentionTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	StreamRetentionTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = MessagingContexts.runner(redis)
			.withConfiguration(AutoConfigurations.of(RedisPatternsHealthContributorAutoConfiguration.class))
			.withUserConfiguration(Metrics.class);
	}

	@Test
	void aGroupOfAnotherApplicationHoldsTheStreamBeyondMaxLengthVisiblyUntilItHasReadIt() {
		this.runner.withPropertyValues("redis.patterns.messaging.streams.audit.max-length=20").run((context) -> {
			String key = context.getBean(MessagingKeys.class).stream("audit");
			this.redis.command("XGROUP", "CREATE", key, "archive", "0", "MKSTREAM");
			StreamPublisher publisher = context.getBean(StreamPublisher.class);
			for (int i = 0; i < 100; i++) {
				publisher.publish("audit", bytes("a" + i));
			}
			assertThat(MessagingTesting.number(this.redis, "XLEN", key)).isEqualTo(100);
			Health held = context.getBean(RedisPatternsHealthIndicator.class).health();
			assertThat(held.getStatus()).isEqualTo(Status.UP);
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> backlog = (Map<String, Map<String, Object>>) held.getDetails()
				.get("streamBacklog");
			assertThat(backlog).containsOnlyKeys("audit");
			assertThat(backlog.get("audit")).containsEntry("length", 100L)
				.containsEntry("maxLength", 20L)
				.containsEntry("heldBy", "archive")
				.containsEntry("neededFrom", "0-1");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(MessagingMetrics.STREAM_TRIM_BLOCKED).tag("stream", "audit").counter().count())
				.isPositive();
			// the other application reads everything and acknowledges it
			this.redis.command("XREADGROUP", "GROUP", "archive", "reader", "COUNT", "1000", "STREAMS", key, ">");
			for (Object entry : (java.util.List<?>) this.redis.command("XRANGE", key, "-", "+")) {
				this.redis.command("XACK", key, "archive", MessagingTesting.string(((java.util.List<?>) entry).get(0)));
			}
			// one publish in the slack (a tenth of max-length: 2) trims
			publisher.publish("audit", bytes("after-1"));
			publisher.publish("audit", bytes("after-2"));
			assertThat(MessagingTesting.number(this.redis, "XLEN", key)).isEqualTo(20);
			assertThat(context.getBean(RedisPatternsHealthIndicator.class).health().getDetails())
				.doesNotContainKey("streamBacklog");
		});
	}

	@Test
	void backPressureRefusesPublishingWhileAGroupHasMaxBacklogUnacknowledged() {
		this.runner.withPropertyValues("redis.patterns.messaging.streams.orders.max-backlog=5").run((context) -> {
			String key = context.getBean(MessagingKeys.class).stream("orders");
			this.redis.command("XGROUP", "CREATE", key, "billing", "0", "MKSTREAM");
			StreamPublisher publisher = context.getBean(StreamPublisher.class);
			for (int i = 0; i < 5; i++) {
				publisher.publish("orders", new OrderPlaced("o" + i, i));
			}
			assertThatThrownBy(() -> publisher.publish("orders", new OrderPlaced("o5", 5)))
				.isInstanceOf(StreamBacklogFullException.class)
				.hasMessageContaining("'billing'")
				.hasMessageContaining("max-backlog 5");
			assertThat(MessagingTesting.number(this.redis, "XLEN", key)).isEqualTo(5);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(MessagingMetrics.STREAM_REFUSED).tag("stream", "orders").counter().count())
				.isEqualTo(1);
			assertThat(registry.get(MessagingMetrics.STREAM_PUBLISHED).tag("stream", "orders").counter().count())
				.isEqualTo(5);
		});
	}

}
