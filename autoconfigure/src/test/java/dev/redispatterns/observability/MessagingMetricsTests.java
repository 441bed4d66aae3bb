package dev.redispatterns.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessagingMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MessagingMetrics metrics = new MessagingMetrics(this.registry);

	@Test
	void countersTimersAndGaugesAreTaggedWithNames() {
		this.metrics.onStreamReceived("orders", "billing");
		this.metrics.onStreamReceived("orders", "billing");
		this.metrics.onStreamHandled("orders", "billing", 1_000_000, true);
		this.metrics.onStreamHandled("orders", "billing", 2_000_000, false);
		this.metrics.onStreamGroupState("orders", "billing", 7, 3);
		this.metrics.onStreamGroupState("orders", "billing", 4, 0);
		this.metrics.onQueueDepth("mails", 10, 2);
		assertThat(this.registry.get(MessagingMetrics.STREAM_RECEIVED)
			.tag("stream", "orders")
			.tag("group", "billing")
			.counter()
			.count()).isEqualTo(2);
		assertThat(this.registry.get(MessagingMetrics.STREAM_HANDLER).tag("outcome", "success").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.get(MessagingMetrics.STREAM_HANDLER).tag("outcome", "failure").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.get(MessagingMetrics.STREAM_PENDING).gauge().value()).isEqualTo(4);
		assertThat(this.registry.get(MessagingMetrics.STREAM_LAG).gauge().value()).isZero();
		assertThat(this.registry.get(MessagingMetrics.QUEUE_DEPTH).tag("state", "ready").gauge().value()).isEqualTo(10);
		assertThat(this.registry.get(MessagingMetrics.QUEUE_DEPTH).tag("state", "delayed").gauge().value()).isEqualTo(2);
	}

	@Test
	void theNumberOfDistinctNamesIsBounded() {
		for (int i = 0; i < MessagingMetrics.MAX_NAMES + 50; i++) {
			this.metrics.onPubSubPublished("user:" + i);
		}
		assertThat(this.registry.find(MessagingMetrics.PUBSUB_PUBLISHED).counters())
			.hasSize(MessagingMetrics.MAX_NAMES + 1);
		assertThat(this.registry.get(MessagingMetrics.PUBSUB_PUBLISHED)
			.tag("channel", MessagingMetrics.OTHER)
			.counter()
			.count()).isEqualTo(50);
		this.metrics.onPubSubPublished("user:0");
		assertThat(this.registry.get(MessagingMetrics.PUBSUB_PUBLISHED).tag("channel", "user:0").counter().count())
			.isEqualTo(2);
	}

}
