package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.messaging.QueueListenerTests.MailSender;
import dev.redispatterns.messaging.StreamGroupListenerTests.OrderConsumer;
import dev.redispatterns.messaging.StreamGroupListenerTests.PaymentConsumer;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams and queues through two application contexts on Redis Cluster: every script's keys share a hash
 * tag, so dead-lettering and job moves work across the cluster's slots.
 */
@RedisTest(topology = Topology.CLUSTER)
class MessagingClusterTests {

	static final Duration WAIT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner;

	MessagingClusterTests(RedisDeployment redis) {
		this.runner = MessagingContexts.runner(redis)
			.withPropertyValues("redis.patterns.messaging.stream.poll-timeout=200ms",
					"redis.patterns.messaging.stream.reclaim-after=500ms",
					"redis.patterns.messaging.stream.max-deliveries=2",
					"redis.patterns.messaging.queue.poll-timeout=200ms");
	}

	@Test
	void streamEntriesAreSharedByTwoContextsAndPoisonIsDeadLettered() {
		this.runner.withUserConfiguration(OrderConsumer.class, PaymentConsumer.class).run((first) -> this.runner
			.withUserConfiguration(OrderConsumer.class)
			.run((second) -> {
				StreamPublisher publisher = first.getBean(StreamPublisher.class);
				List<CompletableFuture<String>> added = new ArrayList<>();
				for (int i = 0; i < 500; i++) {
					added.add(publisher.publishAsync("orders", new OrderPlaced("c" + i, i)));
				}
				publisher.publish("payments", new OrderPlaced("fails", 1));
				added.forEach(CompletableFuture::join);
				Map<String, List<Long>> a = first.getBean(OrderConsumer.class).handled;
				Map<String, List<Long>> b = second.getBean(OrderConsumer.class).handled;
				RedisConnector connector = first.getBean(RedisConnector.class);
				MessagingKeys keys = first.getBean(MessagingKeys.class);
				await(WAIT, () -> union(a, b).size() == 500 && pending(connector, keys.stream("orders"), "shipping") == 0,
						() -> union(a, b).size() + " handled");
				assertThat(union(a, b).values()).allMatch((count) -> count == 1);
				await(WAIT, () -> length(connector, keys.streamDeadLetter("payments")) == 1
						&& pending(connector, keys.stream("payments"), "charger") == 0, () -> "dead-lettered");
			}));
	}

	@Test
	void queueJobsAreSharedByTwoContextsAndDelayedJobsArrive() {
		this.runner.withUserConfiguration(MailSender.class).run((first) -> this.runner
			.withUserConfiguration(MailSender.class)
			.run((second) -> {
				QueuePublisher publisher = first.getBean(QueuePublisher.class);
				List<CompletableFuture<String>> added = new ArrayList<>();
				for (int i = 0; i < 300; i++) {
					added.add(publisher.enqueueAsync("mails", new OrderPlaced("m" + i, i)));
				}
				added.forEach(CompletableFuture::join);
				publisher.schedule("mails", new OrderPlaced("delayed", 1), Duration.ofMillis(300));
				MailSender a = first.getBean(MailSender.class);
				MailSender b = second.getBean(MailSender.class);
				await(WAIT, () -> sentCounts(a, b).size() == 301, () -> sentCounts(a, b).size() + " sent");
				// counted per id over both instances: a set of ids would hide a job handled twice
				Map<String, Integer> counts = sentCounts(a, b);
				assertThat(counts).containsKey("delayed");
				assertThat(counts.values()).as("each job handled exactly once").allMatch((count) -> count == 1);
			}));
	}

	private static Map<String, Integer> sentCounts(MailSender a, MailSender b) {
		Map<String, Integer> counts = new HashMap<>();
		a.sent.forEach((id, count) -> counts.merge(id, count.get(), Integer::sum));
		b.sent.forEach((id, count) -> counts.merge(id, count.get(), Integer::sum));
		return counts;
	}

	private static Map<String, Integer> union(Map<String, List<Long>> a, Map<String, List<Long>> b) {
		Map<String, Integer> counts = new HashMap<>();
		a.forEach((id, attempts) -> counts.merge(id, attempts.size(), Integer::sum));
		b.forEach((id, attempts) -> counts.merge(id, attempts.size(), Integer::sum));
		return counts;
	}

	private static long pending(RedisConnector connector, String stream, String group) {
		return connector.execute((connection) -> connection.streamCommands().xPending(bytes(stream), group))
			.getTotalPendingMessages();
	}

	private static long length(RedisConnector connector, String stream) {
		return connector.await(connector.commands().xlen(bytes(stream)));
	}

}
