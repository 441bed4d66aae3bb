package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.ConsumerNames;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.messaging.internal.QueueConsumer;
import dev.redispatterns.messaging.internal.StreamConsumer;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static dev.redispatterns.messaging.MessagingTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream and queue consumers open their dedicated blocking connections through Sentinel, like the shared
 * connection does.
 */
@RedisTest(topology = Topology.SENTINEL)
class MessagingSentinelTests {

	LettuceConnectionFactory factory;

	RedisConnector connector;

	ScriptExecutor scripts;

	MessagingKeys keys;

	@BeforeEach
	void connect(RedisDeployment redis) {
		this.factory = RedisConnectionFactories.lettuce(redis);
		this.connector = new RedisConnector(this.factory, Duration.ofSeconds(2));
		this.scripts = new ScriptExecutor(this.connector);
		this.keys = new MessagingKeys(new RedisKeys("rp"));
	}

	@AfterEach
	void close() {
		this.connector.destroy();
		this.factory.destroy();
	}

	@Test
	void streamEntriesAreConsumedThroughSentinel() {
		StreamPolicy settings = StreamPolicy.defaults("sentinel-stream").withPollTimeout(Duration.ofMillis(200));
		StreamPublisher publisher = new StreamPublisher(this.connector, this.scripts, this.keys,
				MessagingTesting.codec(), (name) -> settings, MessagingListener.NONE);
		Map<String, List<Long>> handled = new ConcurrentHashMap<>();
		StreamConsumer consumer = new StreamConsumer(this.connector, this.scripts, this.keys, settings, "g",
				ConsumerNames.next(), (payload, delivery) -> handled
					.computeIfAbsent(text(payload), (id) -> new CopyOnWriteArrayList<>())
					.add(delivery.attempt()),
				MessagingListener.NONE);
		consumer.start();
		try {
			for (int i = 0; i < 50; i++) {
				publisher.publish("sentinel-stream", bytes("s" + i));
			}
			await(Duration.ofSeconds(20), () -> handled.size() == 50
					&& this.connector.execute((connection) -> connection.streamCommands()
						.xPending(bytes(this.keys.stream("sentinel-stream")), "g")).getTotalPendingMessages() == 0,
					() -> handled.size() + " handled");
			assertThat(handled.values()).as("each entry handled once").allMatch((attempts) -> attempts.equals(List.of(1L)));
		}
		finally {
			consumer.stop();
		}
	}

	@Test
	void queueJobsAreConsumedThroughSentinel() {
		QueuePolicy settings = QueuePolicy.defaults("sentinel-queue").withPollTimeout(Duration.ofMillis(200));
		QueuePublisher publisher = new QueuePublisher(this.connector, this.scripts, this.keys,
				MessagingTesting.codec(), (name) -> settings, MessagingListener.NONE);
		Map<String, List<Long>> handled = new ConcurrentHashMap<>();
		QueueConsumer consumer = new QueueConsumer(this.connector, this.scripts, this.keys, settings,
				ConsumerNames.next(), (payload, delivery) -> handled
					.computeIfAbsent(text(payload), (id) -> new CopyOnWriteArrayList<>())
					.add(delivery.attempt()),
				MessagingListener.NONE);
		consumer.start();
		try {
			for (int i = 0; i < 50; i++) {
				publisher.enqueue("sentinel-queue", bytes("q" + i));
			}
			await(Duration.ofSeconds(20), () -> handled.size() == 50, () -> handled.size() + " handled");
			assertThat(handled.values()).as("each job handled once").allMatch((attempts) -> attempts.equals(List.of(1L)));
		}
		finally {
			consumer.stop();
		}
	}

}
