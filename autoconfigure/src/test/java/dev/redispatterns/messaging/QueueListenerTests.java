package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.messaging.PubSubListenerTests.Metrics;
import dev.redispatterns.observability.MessagingMetrics;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link QueueListener} and {@link QueuePublisher} in application contexts sharing one Redis.
 */
@RedisTest
@Tag("portable")
class QueueListenerTests {

	static final Duration WAIT = Duration.ofSeconds(30);

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	QueueListenerTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = MessagingContexts.runner(redis)
			.withPropertyValues("redis.patterns.messaging.queue.poll-timeout=200ms",
					"redis.patterns.messaging.queue.consumer-timeout=1s",
					"redis.patterns.messaging.queue.retry-delay=100ms");
	}

	@Test
	void jobsSpreadOverTwoContextsAreEachHandledOnce() {
		ApplicationContextRunner runner = this.runner.withPropertyValues("redis.patterns.messaging.queue.concurrency=2");
		runner.withUserConfiguration(MailSender.class).run((first) -> runner.withUserConfiguration(MailSender.class)
			.run((second) -> {
				QueuePublisher publisher = first.getBean(QueuePublisher.class);
				List<CompletableFuture<String>> added = new ArrayList<>();
				for (int i = 0; i < 1000; i++) {
					added.add(publisher.enqueueAsync("mails", new OrderPlaced("m" + i, i)));
				}
				added.forEach(CompletableFuture::join);
				MailSender a = first.getBean(MailSender.class);
				MailSender b = second.getBean(MailSender.class);
				await(WAIT, () -> a.sent.size() + b.sent.size() >= 1000 && length("rp:msg:{queue:mails}:ready") == 0,
						() -> (a.sent.size() + b.sent.size()) + " sent");
				// counted per id over both instances (one of them may have taken every job)
				Map<String, Integer> counts = new java.util.HashMap<>();
				a.sent.forEach((id, count) -> counts.merge(id, count.get(), Integer::sum));
				b.sent.forEach((id, count) -> counts.merge(id, count.get(), Integer::sum));
				assertThat(counts).hasSize(1000);
				assertThat(counts.values()).as("each job handled exactly once").allMatch((count) -> count == 1);
			}));
	}

	@Test
	void aConsumerKilledMidJobLeavesTheJobRecoverableAndItIsProcessed() {
		ApplicationContextRunner runner = this.runner.withPropertyValues("redis.patterns.messaging.shutdown-timeout=100ms",
				"redis.patterns.messaging.queues.reports.consumer-timeout=2s");
		runner.withUserConfiguration(HangingWorker.class).run((dying) -> {
			HangingWorker hanging = dying.getBean(HangingWorker.class);
			String id = dying.getBean(QueuePublisher.class).enqueue("reports", new OrderPlaced("r1", 1));
			await(WAIT, () -> hanging.started.contains("r1"), () -> "job taken");
			try {
				runner.withUserConfiguration(ReportWorker.class).run((survivor) -> {
					assertThat(processingJobs("reports")).as("the job waits in a processing list").isEqualTo(1);
					// the instance dies with the job in its processing list: no heartbeat, no removal
					dying.close();
					ReportWorker worker = survivor.getBean(ReportWorker.class);
					await(WAIT, () -> worker.deliveries.containsKey("r1"), () -> "recovered job processed");
					Delivery delivery = worker.deliveries.get("r1");
					assertThat(delivery.id()).isEqualTo(id);
					assertThat(delivery.attempt()).isEqualTo(2);
					await(WAIT, () -> processingJobs("reports") == 0, () -> "processing lists empty");
				});
			}
			finally {
				hanging.release.countDown();
			}
		});
	}

	@Test
	void delayedJobsRunNoEarlierThanDue() {
		this.runner.withUserConfiguration(ReportWorker.class).run((context) -> {
			ReportWorker worker = context.getBean(ReportWorker.class);
			long scheduledAt = redisMillis();
			context.getBean(QueuePublisher.class).schedule("reports", new OrderPlaced("later", 1), Duration.ofMillis(700));
			await(WAIT, () -> worker.handledAt.containsKey("later"), () -> "delayed job handled");
			assertThat(worker.handledAt.get("later")).isGreaterThanOrEqualTo(scheduledAt + 700);
		});
	}

	@Test
	void failingJobsAreRetriedThenDeadLetteredAndCounted() {
		this.runner.withPropertyValues("redis.patterns.messaging.queues.flaky.max-deliveries=3")
			.withUserConfiguration(FlakyWorker.class, Metrics.class)
			.run((context) -> {
				context.getBean(QueuePublisher.class).enqueue("flaky", new OrderPlaced("bad", 1));
				await(WAIT, () -> length("rp:msg:{queue:flaky}:dead-letter") == 1, () -> "dead-lettered");
				assertThat(context.getBean(FlakyWorker.class).calls.get()).isEqualTo(3);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(MessagingMetrics.QUEUE_RETRIED).tag("queue", "flaky").counter().count())
					.isEqualTo(2);
				assertThat(registry.get(MessagingMetrics.QUEUE_DEAD_LETTERED).tag("queue", "flaky").counter().count())
					.isEqualTo(1);
				assertThat(registry.get(MessagingMetrics.QUEUE_HANDLER)
					.tag("queue", "flaky")
					.tag("outcome", "failure")
					.timer()
					.count()).isEqualTo(3);
				assertThat(registry.get(MessagingMetrics.QUEUE_PUBLISHED).tag("queue", "flaky").counter().count())
					.isEqualTo(1);
				await(WAIT, () -> registry.find(MessagingMetrics.QUEUE_DEPTH).tag("queue", "flaky").gauges().size() == 2,
						() -> "depth gauges");
			});
	}

	private long length(String key) {
		String type = String.valueOf(this.redis.command("TYPE", key));
		return switch (type) {
			case "list" -> MessagingTesting.number(this.redis, "LLEN", key);
			case "stream" -> MessagingTesting.number(this.redis, "XLEN", key);
			default -> 0;
		};
	}

	private long processingJobs(String queue) {
		long jobs = 0;
		for (Object key : (List<?>) this.redis.command("KEYS", "rp:msg:{queue:" + queue + "}:processing:*")) {
			jobs += MessagingTesting.number(this.redis, "LLEN", MessagingTesting.string(key));
		}
		return jobs;
	}

	private long redisMillis() {
		List<?> time = (List<?>) this.redis.command("TIME");
		return Long.parseLong(MessagingTesting.string(time.get(0))) * 1000
				+ Long.parseLong(MessagingTesting.string(time.get(1))) / 1000;
	}

	static class MailSender {

		final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

		@QueueListener("mails")
		void send(OrderPlaced mail) {
			this.sent.computeIfAbsent(mail.id(), (id) -> new AtomicInteger()).incrementAndGet();
		}

	}

	static class HangingWorker {

		final Set<String> started = ConcurrentHashMap.newKeySet();

		final CountDownLatch release = new CountDownLatch(1);

		@QueueListener("reports")
		void work(OrderPlaced job) {
			this.started.add(job.id());
			// hangs like a killed instance: ignores the interrupt of the graceful shutdown
			while (this.release.getCount() > 0) {
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					// keep hanging
				}
			}
			throw new IllegalStateException("released after the test");
		}

	}

	static class ReportWorker {

		final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();

		final Map<String, Long> handledAt = new ConcurrentHashMap<>();

		private final RedisConnector connector;

		ReportWorker(RedisConnector connector) {
			this.connector = connector;
		}

		@QueueListener(queue = "reports")
		void work(Delivery delivery, OrderPlaced job) {
			this.handledAt.put(job.id(), this.connector.execute((connection) -> connection.serverCommands().time()));
			this.deliveries.put(job.id(), delivery);
		}

	}

	static class FlakyWorker {

		final AtomicInteger calls = new AtomicInteger();

		@QueueListener("flaky")
		void work(OrderPlaced job) {
			this.calls.incrementAndGet();
			throw new IllegalStateException("flaky " + job.id());
		}

	}

}
