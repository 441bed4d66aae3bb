package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.test.RedisServerProcess;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis restarts while streams and queues are being consumed: the consumers reconnect and continue,
 * nothing unacknowledged is lost, and only unacknowledged messages are delivered again. The server persists
 * every write ({@code appendfsync always}), as a production Redis holding messages would. On either client.
 */
@Tag("portable")
@Tag("redis")
class MessagingRedisRestartTests {

	static final Duration WAIT = Duration.ofSeconds(60);

	static RedisServerProcess redis;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always");
	}

	@AfterAll
	static void stop() {
		redis.close();
	}

	ApplicationContextRunner runner() {
		return MessagingContexts.runner(redis)
			.withPropertyValues("redis.patterns.messaging.stream.reclaim-after=2s",
					"redis.patterns.messaging.stream.poll-timeout=200ms",
					"redis.patterns.messaging.stream.batch-size=20",
					"redis.patterns.messaging.queue.poll-timeout=200ms",
					"redis.patterns.messaging.queue.consumer-timeout=2s");
	}

	@Test
	void streamConsumersContinueAfterARestartWithoutLosingMessages() {
		runner().withUserConfiguration(SlowStreamConsumer.class).run((context) -> {
			StreamPublisher publisher = context.getBean(StreamPublisher.class);
			List<CompletableFuture<String>> added = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				added.add(publisher.publishAsync("restart", new OrderPlaced("s" + i, i)));
			}
			added.forEach(CompletableFuture::join);
			SlowStreamConsumer consumer = context.getBean(SlowStreamConsumer.class);
			await(WAIT, () -> consumer.deliveries.size() >= 200, () -> "consuming");
			redis.restart();
			assertThat(consumer.deliveries.size()).as("restarted mid-consumption").isLessThan(1000);
			consumer.restarted.countDown();
			await(WAIT, () -> consumer.deliveries.size() == 1000 && pending() == 0,
					() -> consumer.deliveries.size() + " handled, " + pending() + " pending");
			for (Map.Entry<String, List<Long>> entry : consumer.deliveries.entrySet()) {
				// the normal path (XREADGROUP >) delivers an entry once; any further handling is a redelivery
				// of an entry whose acknowledgement never reached Redis, counted by Redis. (An entry Redis
				// handed out while the connection broke is first seen as a redelivery.)
				assertThat(entry.getValue()).as(entry.getKey() + " delivery counts").isSorted().doesNotHaveDuplicates();
			}
		});
	}

	@Test
	void queueConsumersContinueAfterARestartWithoutLosingJobs() {
		runner().withUserConfiguration(SlowQueueConsumer.class).run((context) -> {
			QueuePublisher publisher = context.getBean(QueuePublisher.class);
			List<CompletableFuture<String>> added = new ArrayList<>();
			for (int i = 0; i < 500; i++) {
				added.add(publisher.enqueueAsync("restart", new OrderPlaced("q" + i, i)));
			}
			added.forEach(CompletableFuture::join);
			SlowQueueConsumer consumer = context.getBean(SlowQueueConsumer.class);
			await(WAIT, () -> consumer.handled.size() >= 100, () -> "consuming");
			redis.restart();
			assertThat(consumer.handled.size()).as("restarted mid-consumption").isLessThan(500);
			consumer.restarted.countDown();
			await(WAIT, () -> consumer.handled.size() == 500 && queued() == 0,
					() -> consumer.handled.size() + " handled, " + queued() + " still queued");
			for (Map.Entry<String, List<Long>> entry : consumer.handled.entrySet()) {
				// a job runs again only as a new attempt (a set of ids would hide a plain duplicate): a finished job
				// whose removal failed with the connection is removed once Redis is back, never run again, and a job
				// Redis moved for a BLMOVE whose reply was lost is put back with an attempt counted
				assertThat(entry.getValue()).as(entry.getKey() + " attempts").isSorted()
					.doesNotHaveDuplicates();
			}
		});
	}

	private long pending() {
		return MessagingTesting.pending(redis, "rp:msg:{stream:restart}", "audit");
	}

	private long queued() {
		long jobs = MessagingTesting.number(redis, "LLEN", "rp:msg:{queue:restart}:ready")
				+ MessagingTesting.number(redis, "ZCARD", "rp:msg:{queue:restart}:delayed");
		for (Object key : (List<?>) redis.command("KEYS", "rp:msg:{queue:restart}:processing:*")) {
			jobs += MessagingTesting.number(redis, "LLEN", MessagingTesting.string(key));
		}
		return jobs;
	}

	static class SlowStreamConsumer {

		final Map<String, List<Long>> deliveries = new ConcurrentHashMap<>();

		// handlers hold their entries from the 200th on until Redis restarted, so the restart is mid-consumption
		final CountDownLatch restarted = new CountDownLatch(1);

		@StreamGroupListener(stream = "restart", group = "audit", concurrency = 2)
		void audit(OrderPlaced order, Delivery delivery) throws InterruptedException {
			this.deliveries.computeIfAbsent(order.id(), (id) -> new CopyOnWriteArrayList<>()).add(delivery.attempt());
			if (this.deliveries.size() >= 200) {
				this.restarted.await(30, TimeUnit.SECONDS);
			}
			Thread.sleep(2);
		}

	}

	static class SlowQueueConsumer {

		final Map<String, List<Long>> handled = new ConcurrentHashMap<>();

		// handlers hold their jobs from the 100th on until Redis restarted, so the restart is mid-consumption
		final CountDownLatch restarted = new CountDownLatch(1);

		@QueueListener(queue = "restart", concurrency = 2)
		void work(OrderPlaced job, Delivery delivery) throws InterruptedException {
			this.handled.computeIfAbsent(job.id(), (id) -> new CopyOnWriteArrayList<>()).add(delivery.attempt());
			if (this.handled.size() >= 100) {
				this.restarted.await(30, TimeUnit.SECONDS);
			}
			Thread.sleep(5);
		}

	}

}
