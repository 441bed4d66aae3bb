package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.messaging.PubSubListenerTests.Metrics;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.observability.MessagingMetrics;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StreamGroupListener} and {@link StreamPublisher} in application contexts sharing one Redis.
 */
@RedisTest
@Tag("portable")
class StreamGroupListenerTests {

	static final Duration WAIT = Duration.ofSeconds(30);

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	StreamGroupListenerTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = MessagingContexts.runner(redis);
	}

	@Test
	void tenThousandMessagesThroughThreeConsumersInTwoContextsAreHandledAndAcknowledged() {
		ApplicationContextRunner fast = this.runner.withPropertyValues("redis.patterns.messaging.stream.batch-size=100",
				"redis.patterns.messaging.stream.concurrency=2");
		fast.withUserConfiguration(TwoOrderConsumers.class).run((first) -> fast
			.withUserConfiguration(OrderConsumer.class)
			.run((second) -> {
				StreamPublisher publisher = first.getBean(StreamPublisher.class);
				List<CompletableFuture<String>> added = new ArrayList<>(10_000);
				for (int i = 0; i < 10_000; i++) {
					added.add(publisher.publishAsync("orders", new OrderPlaced("o" + i, i)));
				}
				added.forEach(CompletableFuture::join);
				List<Map<String, List<Long>>> recorders = List.of(first.getBean(TwoOrderConsumers.class).first,
						first.getBean(TwoOrderConsumers.class).second, second.getBean(OrderConsumer.class).handled);
				await(WAIT, () -> handled(recorders).size() == 10_000 && pending("orders", "shipping") == 0,
						() -> handled(recorders).size() + " handled, " + pending("orders", "shipping") + " pending");
				Map<String, Integer> deliveries = handled(recorders);
				for (int i = 0; i < 10_000; i++) {
					assertThat(deliveries).containsKey("o" + i);
				}
				assertThat(deliveries.values()).as("no entry handled twice on the normal path")
					.allMatch((count) -> count == 1);
				assertThat(consumers("orders", "shipping")).isEqualTo(3);
			}));
	}

	@Test
	void aConsumerThatDiesMidBatchHasItsPendingMessagesReclaimedByTheOtherContext() {
		ApplicationContextRunner runner = this.runner.withPropertyValues(
				"redis.patterns.messaging.streams.jobs.reclaim-after=1s",
				"redis.patterns.messaging.streams.jobs.batch-size=10",
				"redis.patterns.messaging.streams.jobs.concurrency=2",
				"redis.patterns.messaging.shutdown-timeout=200ms");
		runner.withUserConfiguration(StuckJobConsumer.class).run((dying) -> {
			StreamPublisher publisher = dying.getBean(StreamPublisher.class);
			for (int i = 0; i < 20; i++) {
				publisher.publish("jobs", new OrderPlaced("j" + i, i));
			}
			StuckJobConsumer stuck = dying.getBean(StuckJobConsumer.class);
			await(WAIT, () -> stuck.started.size() == 2 && pending("jobs", "workers") == 12,
					() -> stuck.started + " started, " + pending("jobs", "workers") + " read");
			Set<String> heldByTheDyingOne = new HashSet<>(stuck.read());
			runner.withUserConfiguration(JobConsumer.class).run((survivor) -> {
				JobConsumer live = survivor.getBean(JobConsumer.class);
				await(WAIT, () -> live.attempts.keySet().containsAll(unread(heldByTheDyingOne)),
						() -> "the other 8 consumed: " + live.attempts.keySet());
				dying.close();
				await(WAIT, () -> live.attempts.size() == 20 && pending("jobs", "workers") == 0,
						() -> live.attempts.size() + " handled, " + pending("jobs", "workers") + " pending");
				assertThat(stuck.completed).as("the dying context acknowledged nothing").isEmpty();
				for (String id : heldByTheDyingOne) {
					assertThat(live.attempts.get(id)).as("redelivered " + id).isGreaterThanOrEqualTo(2L);
				}
			});
		});
	}

	@Test
	void poisonMessagesEndInTheDeadLetterStreamAfterMaxDeliveries() {
		this.runner
			.withPropertyValues("redis.patterns.messaging.streams.payments.max-deliveries=2",
					"redis.patterns.messaging.streams.payments.reclaim-after=500ms",
					"redis.patterns.messaging.streams.payments.poll-timeout=100ms")
			.withUserConfiguration(PaymentConsumer.class, Metrics.class)
			.run((context) -> {
				StreamPublisher publisher = context.getBean(StreamPublisher.class);
				MessagingKeys keys = context.getBean(MessagingKeys.class);
				PaymentConsumer consumer = context.getBean(PaymentConsumer.class);
				publisher.publish("payments", new OrderPlaced("fails", 1));
				publisher.publish("payments", bytes("{not json"));
				publisher.publish("payments", new OrderPlaced("fine", 2));
				String deadLetters = keys.streamDeadLetter("payments");
				await(WAIT, () -> length(deadLetters) == 2 && pending("payments", "charger") == 0,
						() -> length(deadLetters) + " dead letters, " + pending("payments", "charger") + " pending");
				assertThat(consumer.calls).containsEntry("fails", 2).containsEntry("fine", 1);
				List<Map<String, String>> dead = entries(deadLetters);
				assertThat(dead).anySatisfy((entry) -> assertThat(entry).containsEntry("deliveries", "2")
					.containsEntry("group", "charger")
					.hasEntrySatisfying("error", (error) -> assertThat(error).contains("card declined")));
				assertThat(dead).anySatisfy((entry) -> assertThat(entry).containsEntry("payload", "{not json")
					.containsEntry("deliveries", "1")
					.hasEntrySatisfying("error", (error) -> assertThat(error).contains("cannot be read as")));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(MessagingMetrics.STREAM_DEAD_LETTERED)
					.tag("stream", "payments")
					.tag("group", "charger")
					.counter()
					.count()).isEqualTo(2);
				assertThat(registry.get(MessagingMetrics.STREAM_HANDLER).tag("outcome", "failure").timer().count())
					.isEqualTo(3);
				assertThat(registry.get(MessagingMetrics.STREAM_PUBLISHED).tag("stream", "payments").counter().count())
					.isEqualTo(3);
				await(WAIT, () -> registry.find(MessagingMetrics.STREAM_PENDING).tag("stream", "payments").gauge() != null
						&& registry.get(MessagingMetrics.STREAM_PENDING).tag("stream", "payments").gauge().value() == 0
						&& registry.get(MessagingMetrics.STREAM_LAG).tag("stream", "payments").gauge().value() == 0,
						() -> "pending and lag gauges at 0");
			});
	}

	@Test
	void perStreamTrimmingOverridesTheDefault() {
		this.runner.withPropertyValues("redis.patterns.messaging.stream.max-length=100000",
				"redis.patterns.messaging.streams.audit.max-length=100")
			.run((context) -> {
				StreamPublisher publisher = context.getBean(StreamPublisher.class);
				MessagingKeys keys = context.getBean(MessagingKeys.class);
				List<CompletableFuture<String>> added = new ArrayList<>();
				for (int i = 0; i < 1000; i++) {
					added.add(publisher.publishAsync("audit", new OrderPlaced("a" + i, i)));
					added.add(publisher.publishAsync("history", new OrderPlaced("h" + i, i)));
				}
				added.forEach(CompletableFuture::join);
				assertThat(length(keys.stream("audit"))).isBetween(100L, 200L);
				assertThat(length(keys.stream("history"))).isEqualTo(1000);
			});
	}

	private long pending(String stream, String group) {
		return MessagingTesting.pending(this.redis, "rp:msg:{stream:" + stream + "}", group);
	}

	private long consumers(String stream, String group) {
		return ((List<?>) this.redis.command("XINFO", "CONSUMERS", "rp:msg:{stream:" + stream + "}", group)).size();
	}

	private long length(String key) {
		return MessagingTesting.number(this.redis, "XLEN", key);
	}

	private List<Map<String, String>> entries(String key) {
		List<Map<String, String>> entries = new ArrayList<>();
		for (Object entry : (List<?>) this.redis.command("XRANGE", key, "-", "+")) {
			List<?> fields = (List<?>) ((List<?>) entry).get(1);
			Map<String, String> map = new HashMap<>();
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				map.put(MessagingTesting.string(fields.get(i)), MessagingTesting.string(fields.get(i + 1)));
			}
			entries.add(map);
		}
		return entries;
	}

	private static Set<String> unread(Set<String> read) {
		Set<String> unread = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			if (!read.contains("j" + i)) {
				unread.add("j" + i);
			}
		}
		return unread;
	}

	private static Map<String, Integer> handled(List<Map<String, List<Long>>> recorders) {
		Map<String, Integer> counts = new HashMap<>();
		for (Map<String, List<Long>> recorder : recorders) {
			recorder.forEach((id, attempts) -> counts.merge(id, attempts.size(), Integer::sum));
		}
		return counts;
	}

	static void record(Map<String, List<Long>> recorder, OrderPlaced order, Delivery delivery) {
		recorder.computeIfAbsent(order.id(), (id) -> new CopyOnWriteArrayList<>()).add(delivery.attempt());
	}

	static class TwoOrderConsumers {

		final Map<String, List<Long>> first = new ConcurrentHashMap<>();

		final Map<String, List<Long>> second = new ConcurrentHashMap<>();

		@StreamGroupListener(stream = "orders", group = "shipping")
		void ship(OrderPlaced order, Delivery delivery) {
			record(this.first, order, delivery);
		}

		@StreamGroupListener(stream = "orders", group = "shipping")
		void shipToo(Delivery delivery, OrderPlaced order) {
			record(this.second, order, delivery);
		}

	}

	static class OrderConsumer {

		final Map<String, List<Long>> handled = new ConcurrentHashMap<>();

		@StreamGroupListener(stream = "orders", group = "shipping")
		void ship(OrderPlaced order, Delivery delivery) {
			record(this.handled, order, delivery);
		}

	}

	static class StuckJobConsumer {

		final Set<String> started = ConcurrentHashMap.newKeySet();

		final Set<String> completed = ConcurrentHashMap.newKeySet();

		private final CountDownLatch never = new CountDownLatch(1);

		@StreamGroupListener(stream = "jobs", group = "workers")
		void work(OrderPlaced job) throws InterruptedException {
			this.started.add(job.id());
			this.never.await();
			this.completed.add(job.id());
		}

		/** The ids read so far: started ones and those waiting in memory (the first 12, in order). */
		Set<String> read() {
			Set<String> ids = new HashSet<>();
			for (int i = 0; i < 12; i++) {
				ids.add("j" + i);
			}
			return ids;
		}

	}

	static class JobConsumer {

		final Map<String, Long> attempts = new ConcurrentHashMap<>();

		@StreamGroupListener(stream = "jobs", group = "workers")
		void work(OrderPlaced job, Delivery delivery) {
			this.attempts.merge(job.id(), delivery.attempt(), Math::max);
		}

	}

	static class PaymentConsumer {

		final Map<String, Integer> calls = new ConcurrentHashMap<>();

		private final AtomicInteger total = new AtomicInteger();

		@StreamGroupListener(stream = "payments", group = "charger")
		void charge(OrderPlaced payment) {
			this.total.incrementAndGet();
			this.calls.merge(payment.id(), 1, Integer::sum);
			if (payment.id().equals("fails")) {
				throw new IllegalStateException("card declined");
			}
		}

	}

}
