package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.ConsumerNames;
import dev.redispatterns.messaging.internal.MessageHandler;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.messaging.internal.QueueConsumer;
import dev.redispatterns.messaging.internal.QueueJob;
import dev.redispatterns.test.EnabledOnTopology;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static dev.redispatterns.messaging.MessagingTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reliable queue engine against a real Redis, without Spring; run against standalone, cluster and
 * sentinel, on either client. Redis state is read with the harness's own client.
 */
@Tag("portable")
@RedisTopologies
class QueueConsumerContractTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	RedisDeployment redis;

	RedisConnectionFactory factory;

	RedisConnector connector;

	ScriptExecutor scripts;

	MessagingKeys keys;

	QueuePublisher publisher;

	String queue;

	final List<QueueConsumer> consumers = new CopyOnWriteArrayList<>();

	void connect(RedisDeployment redis, QueuePolicy settings) {
		this.redis = redis;
		this.factory = factory(redis);
		this.connector = connector(this.factory);
		this.scripts = new ScriptExecutor(this.connector);
		this.keys = new MessagingKeys(new RedisKeys("rp"));
		this.queue = settings.name();
		this.publisher = new QueuePublisher(this.connector, this.scripts, this.keys, MessagingTesting.codec(),
				(name) -> settings, MessagingListener.NONE);
	}

	RedisConnectionFactory factory(RedisDeployment redis) {
		return RedisConnectionFactories.of(redis);
	}

	RedisConnector connector(RedisConnectionFactory factory) {
		return new RedisConnector(factory, Duration.ofSeconds(2));
	}

	static QueuePolicy settings(TestInfo test) {
		return QueuePolicy.defaults(test.getTestMethod().get().getName())
			.withPollTimeout(Duration.ofMillis(200))
			.withRetryDelay(Duration.ofMillis(100))
			.withConsumerTimeout(Duration.ofSeconds(1))
			.withShutdownTimeout(Duration.ofSeconds(2));
	}

	QueueConsumer consumer(QueuePolicy settings, MessageHandler handler) {
		QueueConsumer consumer = new QueueConsumer(this.connector, this.scripts, this.keys, settings,
				ConsumerNames.next(), handler, MessagingListener.NONE);
		this.consumers.add(consumer);
		consumer.start();
		return consumer;
	}

	@AfterEach
	void close() {
		this.consumers.forEach(QueueConsumer::stop);
		if (this.connector != null) {
			this.connector.destroy();
			RedisConnectionFactories.destroy(this.factory);
		}
	}

	long listLength(String key) {
		return MessagingTesting.number(this.redis, "LLEN", key);
	}

	long delayedCount() {
		return MessagingTesting.number(this.redis, "ZCARD", this.keys.queueDelayed(this.queue));
	}

	List<MessagingTesting.StreamEntry> deadLetters() {
		return MessagingTesting.range(this.redis, this.keys.queueDeadLetter(this.queue));
	}

	long redisMillis() {
		return MessagingTesting.redisMillis(this.redis);
	}

	List<String> registry() {
		return ((List<?>) this.redis.command("ZRANGE", this.keys.queueConsumers(this.queue), 0, -1)).stream()
			.map(MessagingTesting::string)
			.toList();
	}

	@Test
	void jobsAreHandledOnceAndRemoved(RedisDeployment redis, TestInfo test) {
		QueuePolicy settings = settings(test).withConcurrency(3);
		connect(redis, settings);
		Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
		QueueConsumer consumer = consumer(settings, (payload, delivery) -> {
			assertThat(delivery.attempt()).isEqualTo(1);
			handled.computeIfAbsent(text(payload), (key) -> new AtomicInteger()).incrementAndGet();
		});
		List<CompletableFuture<String>> added = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			added.add(this.publisher.enqueueAsync(this.queue, bytes("job" + i)));
		}
		added.forEach(CompletableFuture::join);
		String processing = this.keys.queueProcessing(this.queue, consumer.consumerName());
		await(WAIT, () -> handled.size() == 200 && listLength(processing) == 0,
				() -> handled.size() + " handled, " + listLength(processing) + " in processing");
		assertThat(handled.values()).allMatch((count) -> count.get() == 1);
		assertThat(listLength(this.keys.queueReady(this.queue))).isZero();
	}

	@Test
	void aFailedJobIsRetriedAndDeadLetteredAfterMaxDeliveries(RedisDeployment redis, TestInfo test) {
		QueuePolicy settings = settings(test).withMaxDeliveries(3);
		connect(redis, settings);
		List<Long> attempts = new CopyOnWriteArrayList<>();
		consumer(settings, (payload, delivery) -> {
			attempts.add(delivery.attempt());
			throw new IllegalStateException("always fails: " + text(payload));
		});
		String id = this.publisher.enqueue(this.queue, bytes("poison"));
		await(WAIT, () -> !deadLetters().isEmpty(), () -> "dead letter after attempts " + attempts);
		assertThat(attempts).containsExactly(1L, 2L, 3L);
		Map<String, String> dead = deadLetters().get(0).fields();
		assertThat(dead).containsEntry("payload", "poison").containsEntry("source-id", id).containsEntry("deliveries",
				"3");
		assertThat(dead.get("error")).contains("always fails: poison");
		assertThat(delayedCount()).isZero();
		assertThat(listLength(this.keys.queueReady(this.queue))).isZero();
	}

	@Test
	void aJobOfAConsumerKilledMidJobIsRecoveredAndProcessed(RedisDeployment redis, TestInfo test) {
		QueuePolicy settings = settings(test);
		connect(redis, settings);
		String id = this.publisher.enqueue(this.queue, bytes("crash-me"));
		// a consumer that took the job, recorded one heartbeat and died
		String ghostProcessing = this.keys.queueProcessing(this.queue, "ghost");
		Object taken = this.redis.command("LMOVE", this.keys.queueReady(this.queue), ghostProcessing, "RIGHT", "LEFT");
		assertThat(taken).isNotNull();
		this.redis.command("ZADD", this.keys.queueConsumers(this.queue), "NX", redisMillis(), "ghost");
		Map<String, Long> handled = new ConcurrentHashMap<>();
		consumer(settings, (payload, delivery) -> handled.put(text(payload) + ":" + delivery.id(), delivery.attempt()));
		await(WAIT, () -> !handled.isEmpty(), () -> "recovered job handled");
		assertThat(handled).containsExactly(Map.entry("crash-me:" + id, 2L));
		assertThat(listLength(ghostProcessing)).isZero();
		assertThat(registry()).doesNotContain("ghost");
	}

	@Test
	void aLiveConsumersJobsAreNotRecovered(RedisDeployment redis, TestInfo test) {
		QueuePolicy settings = settings(test);
		connect(redis, settings);
		Set<String> started = ConcurrentHashMap.newKeySet();
		AtomicInteger calls = new AtomicInteger();
		// the slow job runs for three consumer timeouts while the other consumer keeps reaping
		MessageHandler slow = (payload, delivery) -> {
			calls.incrementAndGet();
			started.add(text(payload));
			Thread.sleep(settings.consumerTimeout().toMillis() * 3);
		};
		consumer(settings, slow);
		consumer(settings, slow);
		this.publisher.enqueue(this.queue, bytes("slow"));
		await(WAIT, () -> started.contains("slow"), () -> "job started");
		String ready = this.keys.queueReady(this.queue);
		await(WAIT, () -> this.consumers.stream()
			.allMatch((consumer) -> listLength(this.keys.queueProcessing(this.queue, consumer.consumerName())) == 0),
				() -> "job finished");
		assertThat(calls.get()).isEqualTo(1);
		assertThat(listLength(ready)).isZero();
	}

	@Test
	void delayedJobsRunNoEarlierThanDue(RedisDeployment redis, TestInfo test) {
		QueuePolicy settings = settings(test);
		connect(redis, settings);
		Map<String, Long> handledAt = new ConcurrentHashMap<>();
		consumer(settings, (payload, delivery) -> handledAt.put(text(payload), redisMillis()));
		long scheduledAt = redisMillis();
		this.publisher.schedule(this.queue, bytes("in-800ms"), Duration.ofMillis(800));
		this.publisher.schedule(this.queue, bytes("in-300ms"), Duration.ofMillis(300));
		this.publisher.schedule(this.queue, bytes("at-600ms"), java.time.Instant.ofEpochMilli(scheduledAt + 600));
		this.publisher.enqueue(this.queue, bytes("now"));
		await(WAIT, () -> handledAt.size() == 4, () -> "handled " + handledAt.keySet());
		assertThat(handledAt.get("in-300ms")).isGreaterThanOrEqualTo(scheduledAt + 300);
		assertThat(handledAt.get("at-600ms")).isGreaterThanOrEqualTo(scheduledAt + 600);
		assertThat(handledAt.get("in-800ms")).isGreaterThanOrEqualTo(scheduledAt + 800);
		assertThat(delayedCount()).isZero();
	}

	@Test
	void aFullQueueRefusesJobs(RedisDeployment redis, TestInfo test) {
		QueuePolicy settings = settings(test).withMaxLength(3);
		connect(redis, settings);
		this.publisher.enqueue(this.queue, bytes("1"));
		this.publisher.enqueue(this.queue, bytes("2"));
		this.publisher.schedule(this.queue, bytes("3"), Duration.ofMinutes(1));
		assertThatThrownBy(() -> this.publisher.enqueue(this.queue, bytes("4"))).isInstanceOf(QueueFullException.class)
			.hasMessageContaining(this.queue);
		assertThat(listLength(this.keys.queueReady(this.queue))).isEqualTo(2);
		assertThat(delayedCount()).isEqualTo(1);
	}

	@Test
	void deadLetterMaxLengthBoundsTheDeadLetterStream(RedisDeployment redis, TestInfo test) {
		QueuePolicy settings = settings(test).withMaxDeliveries(1).withDeadLetterMaxLength(10).withConcurrency(4);
		connect(redis, settings);
		AtomicInteger failed = new AtomicInteger();
		consumer(settings, (payload, delivery) -> {
			failed.incrementAndGet();
			throw new IllegalStateException("fails " + text(payload));
		});
		List<CompletableFuture<String>> added = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			added.add(this.publisher.enqueueAsync(this.queue, bytes("job" + i)));
		}
		added.forEach(CompletableFuture::join);
		String processing = this.keys.queueProcessing(this.queue, this.consumers.get(0).consumerName());
		await(WAIT, () -> failed.get() == 300 && listLength(processing) == 0
				&& listLength(this.keys.queueReady(this.queue)) == 0, () -> failed.get() + " failed");
		assertThat(delayedCount()).as("one delivery allowed: nothing retried").isZero();
		// approximate: whole stream nodes beyond the bound are removed
		long deadLetters = MessagingTesting.number(this.redis, "XLEN", this.keys.queueDeadLetter(this.queue));
		assertThat(deadLetters).isBetween(10L, 110L);
	}

	@Test
	void stopLetsTheRunningJobFinishAndLeavesTheRegistry(RedisDeployment redis, TestInfo test) throws Exception {
		QueuePolicy settings = settings(test);
		connect(redis, settings);
		java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch proceed = new java.util.concurrent.CountDownLatch(1);
		Set<String> finished = ConcurrentHashMap.newKeySet();
		QueueConsumer consumer = consumer(settings, (payload, delivery) -> {
			running.countDown();
			proceed.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
			finished.add(text(payload));
		});
		this.publisher.enqueue(this.queue, bytes("long"));
		assertThat(running.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
		Thread stopper = new Thread(consumer::stop);
		stopper.start();
		await(WAIT, () -> !consumer.isRunning(), () -> "stopping");
		proceed.countDown();
		stopper.join(WAIT.toMillis());
		assertThat(finished).containsExactly("long");
		assertThat(listLength(this.keys.queueProcessing(this.queue, consumer.consumerName()))).isZero();
		assertThat(registry()).isEmpty();
	}

	// standalone only: what happens when the outcome of an attempt does not reach Redis (as around a restart: the
	// command in flight when the connection breaks fails, though Redis never ran it). The failure is injected
	// exactly: an ACL rule refuses LREM (which every outcome starts with) while the handler returns, and Redis's
	// ACL log tells when the consumer's command was refused.

	@Test
	@EnabledOnTopology(Topology.STANDALONE)
	void aFinishedJobWhoseRemovalFailedIsRemovedLaterAndNotRunAgain(RedisDeployment redis, TestInfo test)
			throws InterruptedException {
		QueuePolicy settings = settings(test);
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
	@EnabledOnTopology(Topology.STANDALONE)
	void aFailedAttemptWhoseRetryFailedIsRecordedLaterAndCounted(RedisDeployment redis, TestInfo test)
			throws InterruptedException {
		QueuePolicy settings = settings(test);
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
	@EnabledOnTopology(Topology.STANDALONE)
	void aJobWhoseDeliveryWasLostIsPutBackAsANewAttempt(RedisDeployment redis, TestInfo test) {
		QueuePolicy settings = settings(test);
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
