package dev.redispatterns.messaging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static dev.redispatterns.messaging.MessagingTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue contract on a single Redis, plus what happens when the outcome of an attempt does not reach Redis
 * (as around a restart: the command in flight when the connection breaks fails, though Redis never ran it). The
 * failure is injected exactly: an ACL rule refuses {@code LREM} — which every outcome starts with — while the
 * handler returns, and Redis's ACL log tells when the consumer's command was refused.
 */
@RedisTest
class QueueConsumerStandaloneTests extends QueueConsumerContractTests {

	@Test
	void aFinishedJobWhoseRemovalFailedIsRemovedLaterAndNotRunAgain(RedisDeployment redis, TestInfo test)
			throws InterruptedException {
		QueueSettings settings = settings(test);
		connect(redis, settings);
		List<Long> attempts = new CopyOnWriteArrayList<>();
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		QueueConsumer consumer = consumer(settings, (payload, delivery) -> {
			attempts.add(delivery.attempt());
			running.countDown();
			finish.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		});
		this.publisher.enqueue(this.queue, bytes("once"));
		assertThat(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		whileRefused(redis, "lrem", finish::countDown);
		// the job stays in the processing list until the consumer acts on it; a run again would end the same way
		await(WAIT, () -> jobsLeft(redis, consumer) == 0, () -> "job settled, attempts " + attempts);
		assertThat(attempts).containsExactly(1L);
		assertThat(delayedCount()).isZero();
		assertThat(deadLetters()).isEmpty();
	}

	@Test
	void aFailedAttemptWhoseRetryFailedIsRecordedLaterAndCounted(RedisDeployment redis, TestInfo test)
			throws InterruptedException {
		QueueSettings settings = settings(test);
		connect(redis, settings);
		List<Long> attempts = new CopyOnWriteArrayList<>();
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch fail = new CountDownLatch(1);
		QueueConsumer consumer = consumer(settings, (payload, delivery) -> {
			attempts.add(delivery.attempt());
			if (delivery.attempt() == 1) {
				running.countDown();
				fail.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
				throw new IllegalStateException("first attempt fails");
			}
		});
		this.publisher.enqueue(this.queue, bytes("twice"));
		assertThat(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		whileRefused(redis, "lrem", fail::countDown);
		await(WAIT, () -> attempts.size() >= 2 && jobsLeft(redis, consumer) == 0,
				() -> "job retried, attempts " + attempts);
		assertThat(attempts).containsExactly(1L, 2L);
		assertThat(deadLetters()).isEmpty();
	}

	@Test
	void aJobWhoseDeliveryWasLostIsPutBackAsANewAttempt(RedisDeployment redis, TestInfo test) {
		QueueSettings settings = settings(test);
		connect(redis, settings);
		List<String> handled = new CopyOnWriteArrayList<>();
		QueueConsumer consumer = consumer(settings,
				(payload, delivery) -> handled.add(text(payload) + ":" + delivery.id() + ":" + delivery.attempt()));
		// what a BLMOVE leaves when Redis ran it but its reply was lost: a job in the processing list of a live
		// consumer that never saw it
		QueueJob job = QueueJob.create(bytes("lost"));
		redis.command("LPUSH", this.keys.queueProcessing(this.queue, consumer.consumerName()), job.encode());
		await(WAIT, () -> !handled.isEmpty(), () -> "lost job handled");
		assertThat(handled).containsExactly("lost:" + job.id() + ":2");
	}

	/** Jobs in the queue (ready, delayed) or held by the consumer, counted atomically as they move between them. */
	private long jobsLeft(RedisDeployment redis, QueueConsumer consumer) {
		Object count = redis.command("EVAL",
				"return redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('LLEN', KEYS[3])", "3",
				this.keys.queueReady(this.queue), this.keys.queueDelayed(this.queue),
				this.keys.queueProcessing(this.queue, consumer.consumerName()));
		return ((Number) count).longValue();
	}

	/**
	 * Refuses {@code command} to the default user (every connection of the test) while {@code action} runs and
	 * until Redis has refused it once, then allows it again.
	 */
	private void whileRefused(RedisDeployment redis, String command, Runnable action) {
		redis.command("ACL", "LOG", "RESET");
		redis.command("ACL", "SETUSER", "default", "-" + command);
		try {
			action.run();
			await(WAIT, () -> !((List<?>) redis.command("ACL", "LOG")).isEmpty(), () -> command + " refused");
		}
		finally {
			redis.command("ACL", "SETUSER", "default", "+" + command);
		}
	}

}
