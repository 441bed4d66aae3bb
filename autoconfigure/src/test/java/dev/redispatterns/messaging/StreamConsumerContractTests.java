package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import dev.redispatterns.messaging.internal.StreamConsumer;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static dev.redispatterns.messaging.MessagingTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stream consumer engine against a real Redis, without Spring; run against standalone, cluster and
 * sentinel, on either client. Redis state is read and changed with the harness's own client.
 */
@Tag("portable")
@RedisTopologies
class StreamConsumerContractTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	RedisDeployment redis;

	RedisConnectionFactory factory;

	RedisConnector connector;

	ScriptExecutor scripts;

	MessagingKeys keys;

	StreamPublisher publisher;

	final List<StreamConsumer> consumers = new CopyOnWriteArrayList<>();

	final Events events = new Events();

	String stream;

	void connect(RedisDeployment redis, TestInfo test, StreamPolicy settings) {
		this.redis = redis;
		this.factory = factory(redis);
		this.connector = connector(this.factory);
		this.scripts = new ScriptExecutor(this.connector);
		this.keys = new MessagingKeys(new RedisKeys("rp"));
		this.stream = settings.name();
		this.publisher = new StreamPublisher(this.connector, this.scripts, this.keys, MessagingTesting.codec(),
				(name) -> settings, this.events);
	}

	RedisConnectionFactory factory(RedisDeployment redis) {
		return RedisConnectionFactories.of(redis);
	}

	RedisConnector connector(RedisConnectionFactory factory) {
		return new RedisConnector(factory, Duration.ofSeconds(2));
	}

	static StreamPolicy settings(TestInfo test) {
		return StreamPolicy.defaults(test.getTestMethod().get().getName())
			.withReclaimAfter(Duration.ofMillis(600))
			.withPollTimeout(Duration.ofMillis(200))
			.withShutdownTimeout(Duration.ofSeconds(2));
	}

	StreamConsumer consumer(StreamPolicy settings, String group, MessageHandler handler) {
		StreamConsumer consumer = new StreamConsumer(this.connector, this.scripts, this.keys, settings, group,
				ConsumerNames.next(), handler, this.events);
		this.consumers.add(consumer);
		consumer.start();
		return consumer;
	}

	@AfterEach
	void close() {
		this.consumers.forEach(StreamConsumer::stop);
		if (this.connector != null) {
			this.connector.destroy();
			RedisConnectionFactories.destroy(this.factory);
		}
	}

	byte[] key() {
		return bytes(this.keys.stream(this.stream));
	}

	long pendingCount(String group) {
		return MessagingTesting.pending(this.redis, keyName(), group);
	}

	long length(byte[] key) {
		return MessagingTesting.number(this.redis, "XLEN", key);
	}

	List<MessagingTesting.StreamEntry> deadLetters() {
		return MessagingTesting.range(this.redis, this.keys.streamDeadLetter(this.stream));
	}

	static Map<String, String> fields(MessagingTesting.StreamEntry entry) {
		return entry.fields();
	}

	String keyName() {
		return this.keys.stream(this.stream);
	}

	@Test
	void entriesAreHandledOnceAndAcknowledged(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withConcurrency(3).withBatchSize(20);
		connect(redis, test, settings);
		Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
		consumer(settings, "workers", (payload, delivery) -> {
			assertThat(delivery.attempt()).isEqualTo(1);
			handled.computeIfAbsent(text(payload), (key) -> new AtomicInteger()).incrementAndGet();
		});
		for (int i = 0; i < 300; i++) {
			this.publisher.publishAsync(this.stream, bytes("m" + i));
		}
		await(WAIT, () -> handled.size() == 300 && pendingCount("workers") == 0,
				() -> handled.size() + " of 300 handled, " + pendingCount("workers") + " pending");
		assertThat(handled.values()).allMatch((count) -> count.get() == 1);
	}

	@Test
	void aFailingHandlerLeavesTheEntryPendingAndItIsDeliveredAgain(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test);
		connect(redis, test, settings);
		List<Long> attempts = new CopyOnWriteArrayList<>();
		CountDownLatch failedOnce = new CountDownLatch(1);
		consumer(settings, "g", (payload, delivery) -> {
			attempts.add(delivery.attempt());
			if (delivery.attempt() == 1) {
				failedOnce.countDown();
				throw new IllegalStateException("first attempt fails");
			}
		});
		this.publisher.publish(this.stream, bytes("x"));
		await(WAIT, () -> failedOnce.getCount() == 0, () -> "first delivery");
		assertThat(pendingCount("g")).as("not acknowledged after the failure").isEqualTo(1);
		await(WAIT, () -> attempts.size() == 2 && pendingCount("g") == 0, () -> "attempts " + attempts);
		assertThat(attempts).containsExactly(1L, 2L);
		assertThat(deadLetters()).isEmpty();
	}

	@Test
	void poisonEntriesEndInTheDeadLetterStreamAfterMaxDeliveries(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withMaxDeliveries(3);
		connect(redis, test, settings);
		AtomicInteger calls = new AtomicInteger();
		consumer(settings, "g", (payload, delivery) -> {
			calls.incrementAndGet();
			throw new IllegalArgumentException("cannot handle " + text(payload));
		});
		String id = this.publisher.publish(this.stream, bytes("poison"));
		await(WAIT, () -> !deadLetters().isEmpty(), () -> "dead letter after " + calls.get() + " calls");
		Map<String, String> dead = fields(deadLetters().get(0));
		assertThat(dead).containsEntry("payload", "poison")
			.containsEntry("source-id", id)
			.containsEntry("group", "g")
			.containsEntry("deliveries", "3");
		assertThat(dead.get("error")).contains("IllegalArgumentException").contains("cannot handle poison");
		assertThat(calls.get()).isEqualTo(3);
		assertThat(pendingCount("g")).as("acknowledged in the source").isZero();
		assertThat(deadLetters()).hasSize(1);
	}

	@Test
	void aPoisonMessageExceptionDeadLettersAtOnce(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withMaxDeliveries(5);
		connect(redis, test, settings);
		AtomicInteger calls = new AtomicInteger();
		consumer(settings, "g", (payload, delivery) -> {
			calls.incrementAndGet();
			throw new PoisonMessageException("unreadable");
		});
		this.publisher.publish(this.stream, bytes("{"));
		await(WAIT, () -> !deadLetters().isEmpty() && pendingCount("g") == 0, () -> "dead letter");
		assertThat(calls.get()).isEqualTo(1);
		assertThat(fields(deadLetters().get(0))).containsEntry("deliveries", "1");
	}

	@Test
	void entriesOfAConsumerThatDiedAreReclaimedByALiveOne(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test);
		connect(redis, test, settings);
		for (int i = 0; i < 5; i++) {
			this.publisher.publish(this.stream, bytes("job" + i));
		}
		createGroup("g", "0");
		// a consumer that reads and then dies: its entries stay pending, never renewed
		List<MessagingTesting.StreamEntry> taken = readAs("g", "ghost", 5);
		assertThat(taken).hasSize(5);
		assertThat(pendingCount("g")).isEqualTo(5);
		Map<String, Long> attempts = new ConcurrentHashMap<>();
		consumer(settings, "g", (payload, delivery) -> attempts.put(text(payload), delivery.attempt()));
		await(WAIT, () -> attempts.size() == 5 && pendingCount("g") == 0, () -> "reclaimed " + attempts);
		assertThat(attempts.values()).allMatch((attempt) -> attempt == 2L);
	}

	@Test
	void aSlowHandlerKeepsItsEntriesWhileOthersReclaim(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withConcurrency(2);
		connect(redis, test, settings);
		Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
		MessageHandler slow = (payload, delivery) -> {
			handled.computeIfAbsent(text(payload), (key) -> new AtomicInteger()).incrementAndGet();
			// three reclaim periods: an entry not renewed would be claimed by the other consumer
			Thread.sleep(settings.reclaimAfter().toMillis() * 3);
		};
		consumer(settings, "g", slow);
		consumer(settings, "g", slow);
		this.publisher.publish(this.stream, bytes("slow-1"));
		this.publisher.publish(this.stream, bytes("slow-2"));
		await(WAIT, () -> handled.size() == 2 && pendingCount("g") == 0, () -> "handled " + handled);
		assertThat(handled.values()).allMatch((count) -> count.get() == 1);
	}

	@Test
	void aSlowHandlerBoundsWhatTheReaderHoldsInMemory(RedisDeployment redis, TestInfo test) throws Exception {
		StreamPolicy settings = settings(test).withConcurrency(2).withBatchSize(5);
		connect(redis, test, settings);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		consumer(settings, "g", (payload, delivery) -> {
			started.incrementAndGet();
			release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		});
		for (int i = 0; i < 100; i++) {
			this.publisher.publish(this.stream, bytes("m" + i));
		}
		await(WAIT, () -> started.get() == 2 && pendingCount("g") == settings.capacity(),
				() -> started.get() + " started, " + pendingCount("g") + " read");
		// several poll periods later the reader still holds no more than its capacity
		long until = System.nanoTime() + settings.pollTimeout().multipliedBy(3).toNanos();
		while (System.nanoTime() < until) {
			assertThat(pendingCount("g")).isLessThanOrEqualTo(settings.capacity());
			Thread.sleep(20);
		}
		release.countDown();
		await(WAIT, () -> pendingCount("g") == 0 && started.get() == 100, () -> started.get() + " handled");
	}

	@Test
	void stopFinishesRunningHandlersAndHandsUnstartedEntriesBack(RedisDeployment redis, TestInfo test)
			throws Exception {
		StreamPolicy settings = settings(test).withConcurrency(1).withBatchSize(5)
			.withReclaimAfter(Duration.ofSeconds(20));
		connect(redis, test, settings);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch proceed = new CountDownLatch(1);
		Set<String> finished = ConcurrentHashMap.newKeySet();
		StreamConsumer first = consumer(settings, "g", (payload, delivery) -> {
			running.countDown();
			proceed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			finished.add(text(payload));
		});
		for (int i = 0; i < 5; i++) {
			this.publisher.publish(this.stream, bytes("m" + i));
		}
		assertThat(running.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		await(WAIT, () -> pendingCount("g") == 5, () -> "all five read");
		Thread stopper = new Thread(first::stop);
		stopper.start();
		await(WAIT, () -> !first.isRunning(), () -> "stopping");
		proceed.countDown();
		stopper.join(WAIT.toMillis());
		assertThat(finished).as("the running handler finished").containsExactly("m0");
		assertThat(pendingCount("g")).as("only unstarted entries stay pending").isEqualTo(4);
		// handed back: another consumer claims them at once, long before reclaim-after
		Set<String> second = ConcurrentHashMap.newKeySet();
		long start = System.nanoTime();
		consumer(settings, "g", (payload, delivery) -> second.add(text(payload)));
		await(Duration.ofSeconds(15), () -> second.size() == 4 && pendingCount("g") == 0, () -> "second " + second);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(settings.reclaimAfter());
		assertThat(second).containsExactlyInAnyOrder("m1", "m2", "m3", "m4");
	}

	@Test
	void trimmingByLengthKeepsTheStreamBounded(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withMaxLength(100);
		connect(redis, test, settings);
		List<java.util.concurrent.CompletableFuture<String>> added = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			added.add(this.publisher.publishAsync(this.stream, bytes("entry-" + i)));
		}
		added.forEach(java.util.concurrent.CompletableFuture::join);
		// approximate trimming removes whole stream nodes (at most 100 entries each)
		assertThat(length(key())).isBetween(100L, 200L);
	}

	@Test
	void trimmingByAgeDropsOldEntries(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withMaxLength(0).withMaxAge(Duration.ofSeconds(2));
		connect(redis, test, settings);
		for (int i = 0; i < 300; i++) {
			this.publisher.publish(this.stream, bytes("old-" + i));
		}
		assertThat(length(key())).as("young entries are kept").isGreaterThanOrEqualTo(200);
		long published = redisMillis();
		// trimming waits for a slack of a tenth of the age bound
		await(WAIT, () -> redisMillis() > published + 2300, () -> "2.3 seconds of Redis time");
		this.publisher.publish(this.stream, bytes("new"));
		assertThat(length(key())).as("only the new entry is young").isEqualTo(1);
	}

	@Test
	void theGroupIsCreatedWithTheStreamWhenMissing(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test);
		connect(redis, test, settings);
		StreamConsumer consumer = consumer(settings, "created", (payload, delivery) -> {
		});
		List<?> groups = (List<?>) this.redis.command("XINFO", "GROUPS", keyName());
		assertThat(groups).hasSize(1);
		assertThat(MessagingTesting.string(((List<?>) groups.get(0)).get(1))).isEqualTo("created");
		// a second consumer of the same group tolerates BUSYGROUP
		consumer(settings, "created", (payload, delivery) -> {
		});
		assertThat(consumer.isRunning()).isTrue();
	}

	@Test
	void theGroupsPendingCountAndLagAreSampled(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test);
		connect(redis, test, settings);
		createGroup("g", "0");
		publishAll(3, "s");
		consumer(settings, "g", (payload, delivery) -> {
		});
		await(WAIT, () -> this.events.groupStates.containsKey("g"), () -> "group state sampled");
		long[] state = this.events.groupStates.get("g");
		assertThat(state[0]).as("pending").isBetween(0L, 3L);
		assertThat(state[1]).as("lag, known since Redis 7").isBetween(0L, 3L);
	}

	@Test
	void aStreamLostWithItsGroupIsCreatedAgainAndConsumptionContinues(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test);
		connect(redis, test, settings);
		Set<String> handled = ConcurrentHashMap.newKeySet();
		consumer(settings, "g", (payload, delivery) -> handled.add(text(payload)));
		this.publisher.publish(this.stream, bytes("before"));
		await(WAIT, () -> handled.contains("before"), () -> "first entry");
		// as after a restart of a Redis without persistence
		this.redis.command("DEL", keyName());
		await(WAIT, () -> MessagingTesting.number(this.redis, "EXISTS", keyName()) == 1, () -> "group created again");
		this.publisher.publish(this.stream, bytes("after"));
		await(WAIT, () -> handled.contains("after") && pendingCount("g") == 0, () -> "entry after the loss");
	}

	@Test
	void aGroupThatIsDownKeepsItsWholeBacklogBeyondMaxLength(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withMaxLength(100);
		connect(redis, test, settings);
		createGroup("down", "0");
		List<String> ids = publishAll(1000, "e");
		assertThat(length(key())).as("nothing trimmed while the group has read nothing").isEqualTo(1000);
		assertThat(range(ids.get(0))).as("the oldest entry is still there").hasSize(1);
		assertThat(this.publisher.retentionWarnings()).containsOnlyKeys(this.stream);
		StreamRetentionWarning warning = this.publisher.retentionWarnings().get(this.stream);
		assertThat(warning.group()).isEqualTo("down");
		assertThat(warning.neededFrom()).isEqualTo("0-1");
		assertThat(warning.length()).isEqualTo(1000);
		assertThat(this.events.trimBlocked.get()).as("counted by every trim beyond the bound").isPositive();
		Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
		consumer(settings, "down",
				(payload, delivery) -> handled.computeIfAbsent(text(payload), (key) -> new AtomicInteger()).incrementAndGet());
		await(WAIT, () -> handled.size() == 1000 && pendingCount("down") == 0,
				() -> handled.size() + " of 1000 handled, " + pendingCount("down") + " pending");
		assertThat(handled.values()).allMatch((count) -> count.get() == 1);
		// once acknowledged the backlog is history, bounded again within the next slack (10) publishes
		publishAll(10, "after");
		assertThat(length(key())).isBetween(100L, 200L);
		assertThat(this.publisher.retentionWarnings()).isEmpty();
	}

	@Test
	void aSlowGroupKeepsItsPendingAndUnreadEntriesWhileAnotherGroupIsDone(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withMaxLength(50);
		connect(redis, test, settings);
		createGroup("slow", "0");
		createGroup("fast", "0");
		String first = this.publisher.publish(this.stream, bytes("first"));
		// the slow group's only consumer took the first entry and hangs with it
		assertThat(readAs("slow", "hung", 1)).hasSize(1);
		Map<String, AtomicInteger> fast = new ConcurrentHashMap<>();
		consumer(settings, "fast",
				(payload, delivery) -> fast.computeIfAbsent(text(payload), (key) -> new AtomicInteger()).incrementAndGet());
		publishAll(500, "e");
		await(WAIT, () -> fast.size() == 501 && pendingCount("fast") == 0, () -> fast.size() + " handled by fast");
		this.publisher.publish(this.stream, bytes("last"));
		assertThat(range(first)).as("the slow group's pending entry is kept").hasSize(1);
		assertThat(length(key())).as("nothing the slow group needs is trimmed").isEqualTo(502);
		Map<String, List<Long>> slow = new ConcurrentHashMap<>();
		consumer(settings, "slow", (payload, delivery) -> slow
			.computeIfAbsent(text(payload), (key) -> new CopyOnWriteArrayList<>())
			.add(delivery.attempt()));
		await(WAIT, () -> slow.size() == 502 && pendingCount("slow") == 0, () -> slow.size() + " handled by slow");
		assertThat(slow.get("first")).as("reclaimed from the hung consumer").containsExactly(2L);
		assertThat(slow.values()).allMatch((attempts) -> attempts.size() == 1);
	}

	@Test
	void pendingEntriesDeletedFromTheStreamAreDeadLetteredAsLost(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test);
		connect(redis, test, settings);
		createGroup("g", "0");
		String lost = this.publisher.publish(this.stream, bytes("lost"));
		this.publisher.publish(this.stream, bytes("kept"));
		assertThat(readAs("g", "ghost", 2)).hasSize(2);
		// another client deletes an entry the group has not acknowledged
		this.redis.command("XDEL", keyName(), lost);
		Map<String, Long> handled = new ConcurrentHashMap<>();
		consumer(settings, "g", (payload, delivery) -> handled.put(text(payload), delivery.attempt()));
		await(WAIT, () -> handled.containsKey("kept") && pendingCount("g") == 0 && deadLetters().size() == 1,
				() -> "handled " + handled + ", " + pendingCount("g") + " pending, " + deadLetters().size() + " dead");
		Map<String, String> dead = fields(deadLetters().get(0));
		assertThat(dead).containsEntry("source-id", lost).containsEntry("group", "g").containsEntry("consumer", "ghost")
			.containsEntry("deliveries", "1").doesNotContainKey("payload");
		assertThat(dead.get("error")).contains("deleted from the stream");
		assertThat(handled).containsOnlyKeys("kept");
		assertThat(this.events.deleted).containsExactly(Map.entry("g", 1));
	}

	@Test
	void anEntryDeletedWhileItsHandlerRunsIsDeadLetteredWithItsPayloadWhenTheHandlerFails(RedisDeployment redis,
			TestInfo test) throws Exception {
		StreamPolicy settings = settings(test);
		connect(redis, test, settings);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		consumer(settings, "g", (payload, delivery) -> {
			started.countDown();
			release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			throw new IllegalStateException("fails after its entry was deleted");
		});
		String id = this.publisher.publish(this.stream, bytes("doomed"));
		assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		this.redis.command("XDEL", keyName(), id);
		// the consumer renews its lease while the handler runs, and finds the entry gone (Redis drops it from
		// the pending list then, so it could never be delivered again)
		await(WAIT, () -> this.events.deleted.containsKey("g"), () -> "deletion noticed");
		assertThat(pendingCount("g")).isZero();
		release.countDown();
		await(WAIT, () -> deadLetters().size() == 1, () -> "dead-lettered");
		Map<String, String> dead = fields(deadLetters().get(0));
		assertThat(dead).containsEntry("payload", "doomed").containsEntry("source-id", id).containsEntry("group", "g")
			.containsEntry("deliveries", "1");
		assertThat(dead.get("error")).contains("fails after its entry was deleted");
		assertThat(this.events.deleted).containsExactly(Map.entry("g", 1));
	}

	@Test
	void backPressureRefusesEntriesWhileAGroupHasMaxBacklogUnacknowledged(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withMaxBacklog(10);
		connect(redis, test, settings);
		publishAll(15, "history");
		assertThat(length(key())).as("without a group nothing is held back").isEqualTo(15);
		// a group created by a listener starting from the latest entry, which then stops
		consumer(settings.withStart(StreamPolicy.Start.LATEST), "g", (payload, delivery) -> {
		}).stop();
		List<String> ids = publishAll(10, "e");
		assertThatThrownBy(() -> this.publisher.publish(this.stream, bytes("refused")))
			.isInstanceOfSatisfying(StreamBacklogFullException.class, (refused) -> {
				assertThat(refused.group()).isEqualTo("g");
				assertThat(refused.backlog()).isEqualTo(10);
				assertThat(refused.maxBacklog()).isEqualTo(10);
			})
			.hasMessageContaining(this.stream);
		assertThat(length(key())).as("nothing added").isEqualTo(25);
		// delivered but not acknowledged still counts
		assertThat(readAs("g", "ghost", 4)).hasSize(4);
		assertThatThrownBy(() -> this.publisher.publishAsync(this.stream, bytes("refused")).join())
			.hasCauseInstanceOf(StreamBacklogFullException.class);
		this.redis.command("XACK", keyName(), "g", ids.get(0), ids.get(1));
		this.publisher.publish(this.stream, bytes("room for two"));
		this.publisher.publish(this.stream, bytes("room for one"));
		assertThatThrownBy(() -> this.publisher.publish(this.stream, bytes("refused")))
			.isInstanceOf(StreamBacklogFullException.class);
		assertThat(this.events.refused.get()).isEqualTo(3);
		assertThat(length(key())).isEqualTo(27);
	}

	@Test
	void trimmingByAgeKeepsWhatAGroupHasNotAcknowledged(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withMaxLength(0)
			.withMaxAge(Duration.ofSeconds(2))
			.withReclaimAfter(Duration.ofMinutes(1));
		connect(redis, test, settings);
		createGroup("g", "0");
		String held = this.publisher.publish(this.stream, bytes("held"));
		assertThat(readAs("g", "ghost", 1)).hasSize(1);
		Set<String> handled = ConcurrentHashMap.newKeySet();
		consumer(settings, "g", (payload, delivery) -> handled.add(text(payload)));
		publishAll(100, "acked");
		await(WAIT, () -> handled.size() == 100 && pendingCount("g") == 1, () -> handled.size() + " handled");
		long published = redisMillis();
		await(WAIT, () -> redisMillis() > published + 2300, () -> "2.3 seconds of Redis time");
		this.publisher.publish(this.stream, bytes("young"));
		assertThat(length(key())).as("older than max-age, but behind a pending entry").isEqualTo(102);
		assertThat(this.publisher.retentionWarnings().get(this.stream).neededFrom()).isEqualTo(held);
		// the hung consumer finishes after all
		this.redis.command("XACK", keyName(), "g", held);
		this.publisher.publish(this.stream, bytes("younger"));
		assertThat(range(held)).as("acknowledged entries older than max-age are gone").isEmpty();
		// ('young' is gone too should this machine have stalled for two seconds)
		assertThat(length(key())).isBetween(1L, 2L);
		assertThat(this.publisher.retentionWarnings()).isEmpty();
	}

	@Test
	void aGroupStartingFromLatestSkipsWhatWasAddedBefore(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test);
		connect(redis, test, settings);
		this.publisher.publish(this.stream, bytes("before"));
		Set<String> late = ConcurrentHashMap.newKeySet();
		Set<String> early = ConcurrentHashMap.newKeySet();
		consumer(settings.withStart(StreamPolicy.Start.LATEST), "late", (payload, delivery) -> late.add(text(payload)));
		consumer(settings, "early", (payload, delivery) -> early.add(text(payload)));
		this.publisher.publish(this.stream, bytes("after"));
		// entries are delivered in order: once 'after' is handled, 'before' would have been
		await(WAIT, () -> late.contains("after") && early.contains("after") && pendingCount("late") == 0,
				() -> "late " + late + ", early " + early);
		assertThat(late).containsExactly("after");
		assertThat(early).containsExactlyInAnyOrder("before", "after");
	}

	@Test
	void consumersOwningNothingAreRemovedOnceIdleForTheStaleTimeout(RedisDeployment redis, TestInfo test) {
		Duration stale = Duration.ofSeconds(5);
		StreamPolicy settings = settings(test).withStaleConsumerTimeout(stale).withReclaimAfter(Duration.ofMinutes(1));
		connect(redis, test, settings);
		createGroup("g", "0");
		this.publisher.publish(this.stream, bytes("owned"));
		assertThat(readAs("g", "busy-ghost", 1)).hasSize(1);
		this.redis.command("XGROUP", "CREATECONSUMER", keyName(), "g", "idle-ghost");
		await(WAIT, () -> idleMillis("g", "idle-ghost") > stale.toMillis() && idleMillis("g", "busy-ghost") > stale.toMillis(),
				() -> "ghosts idle for " + stale);
		this.redis.command("XGROUP", "CREATECONSUMER", keyName(), "g", "fresh");
		consumer(settings, "g", (payload, delivery) -> {
		});
		// the consumer prunes when it starts, then every half timeout: 'fresh' is far younger than the timeout
		await(WAIT, () -> !consumerNames("g").contains("idle-ghost"), () -> "consumers " + consumerNames("g"));
		// (Redis 7.0 registers a consumer only once it has read something)
		assertThat(consumerNames("g")).contains("busy-ghost", "fresh").doesNotContain("idle-ghost");
		assertThat(pendingCount("g")).as("the busy ghost's entry waits to be reclaimed").isEqualTo(1);
	}

	@Test
	void deadLetterMaxLengthBoundsTheDeadLetterStream(RedisDeployment redis, TestInfo test) {
		StreamPolicy settings = settings(test).withDeadLetterMaxLength(10).withBatchSize(50);
		connect(redis, test, settings);
		consumer(settings, "g", (payload, delivery) -> {
			throw new PoisonMessageException("poison " + text(payload));
		});
		List<String> ids = publishAll(300, "p");
		byte[] deadLetterKey = bytes(this.keys.streamDeadLetter(this.stream));
		await(WAIT, () -> pendingCount("g") == 0 && lastDeadLetterSource().equals(ids.get(299)),
				() -> pendingCount("g") + " pending");
		// approximate: whole stream nodes beyond the bound are removed
		assertThat(length(deadLetterKey)).isBetween(10L, 110L);
	}

	String lastDeadLetterSource() {
		List<MessagingTesting.StreamEntry> last = MessagingTesting
			.entries(this.redis.command("XREVRANGE", this.keys.streamDeadLetter(this.stream), "+", "-", "COUNT", 1));
		return last.isEmpty() ? "" : fields(last.get(0)).get("source-id");
	}

	long idleMillis(String group, String consumer) {
		for (Map<String, Object> info : consumerInfos(group)) {
			if (consumer.equals(info.get("name"))) {
				return ((Number) info.get("idle")).longValue();
			}
		}
		return -1;
	}

	List<String> consumerNames(String group) {
		return consumerInfos(group).stream().map((info) -> (String) info.get("name")).toList();
	}

	List<Map<String, Object>> consumerInfos(String group) {
		List<?> consumers = (List<?>) this.redis.command("XINFO", "CONSUMERS", keyName(), group);
		List<Map<String, Object>> infos = new ArrayList<>();
		for (Object consumer : consumers) {
			List<?> fields = (List<?>) consumer;
			Map<String, Object> info = new HashMap<>();
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				Object value = fields.get(i + 1);
				info.put(MessagingTesting.string(fields.get(i)), (value instanceof byte[]) ? MessagingTesting.string(value) : value);
			}
			infos.add(info);
		}
		return infos;
	}

	void createGroup(String group, String offset) {
		this.redis.command("XGROUP", "CREATE", keyName(), group, offset, "MKSTREAM");
	}

	List<MessagingTesting.StreamEntry> readAs(String group, String consumer, int count) {
		List<?> streams = (List<?>) this.redis.command("XREADGROUP", "GROUP", group, consumer, "COUNT", count,
				"STREAMS", keyName(), ">");
		return (streams == null || streams.isEmpty()) ? List.of()
				: MessagingTesting.entries(((List<?>) streams.get(0)).get(1));
	}

	List<MessagingTesting.StreamEntry> range(String id) {
		return MessagingTesting.entries(this.redis.command("XRANGE", keyName(), id, id));
	}

	List<String> publishAll(int count, String prefix) {
		List<java.util.concurrent.CompletableFuture<String>> added = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			added.add(this.publisher.publishAsync(this.stream, bytes(prefix + i)));
		}
		return added.stream().map(java.util.concurrent.CompletableFuture::join).toList();
	}

	/** What the engines reported. */
	static final class Events implements MessagingListener {

		final AtomicInteger trimBlocked = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		final Map<String, Integer> deleted = new ConcurrentHashMap<>();

		/** Per group the last sampled pending count and lag. */
		final Map<String, long[]> groupStates = new ConcurrentHashMap<>();

		@Override
		public void onStreamGroupState(String stream, String group, long pending, long lag) {
			this.groupStates.put(group, new long[] { pending, lag });
		}

		@Override
		public void onStreamTrimBlocked(String stream) {
			this.trimBlocked.incrementAndGet();
		}

		@Override
		public void onStreamPublishRefused(String stream) {
			this.refused.incrementAndGet();
		}

		@Override
		public void onStreamDeleted(String stream, String group, int count) {
			this.deleted.merge(group, count, Integer::sum);
		}

	}

	long redisMillis() {
		return MessagingTesting.redisMillis(this.redis);
	}

}
