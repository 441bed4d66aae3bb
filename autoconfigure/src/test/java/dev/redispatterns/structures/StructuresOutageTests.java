package dev.redispatterns.structures;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.structures.RedisPatternsStructuresAutoConfiguration;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.structures.WriteBehindCounter.FlushResult;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Leaderboards, unique counters, counters and write-behind counters while Redis cannot be reached (a proxy
 * that resets and refuses connections, or holds every byte): every operation fails with
 * {@link RedisUnavailableException} within the command timeout, never with a made-up result; the sink of
 * a write-behind counter is not called; and once Redis answers again every value Redis kept is there and
 * every delta reaches the sink, one whose acknowledgement was lost again under the same batch id. (Writes
 * are refused only while connections are refused: a write held by a black hole reaches Redis when it
 * heals, so its outcome is unknown to the caller, as for any timed-out command.)
 */
@RedisTest
class StructuresOutageTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	/** The command timeout, plus room for a loaded machine. */
	private static final Duration BOUND = COMMAND_TIMEOUT.plusSeconds(2);

	private final FaultyProxy proxy;

	private final ApplicationContextRunner runner;

	StructuresOutageTests(RedisDeployment redis) {
		redis.flushAll();
		this.proxy = FaultyProxy.to(redis);
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsStructuresAutoConfiguration.class))
			.withPropertyValues(this.proxy.springProperties())
			.withPropertyValues("redis.patterns.command-timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
					"redis.patterns.reconnect-max-delay=200ms",
					// flushes only when the test asks, so it knows which one met the outage
					"redis.patterns.structures.write-behind.flush-interval=1h",
					"redis.patterns.structures.write-behind.lease-time=1s");
	}

	@AfterEach
	void closeProxy() {
		this.proxy.close();
	}

	@Test
	void unreachableRedisFailsEveryOperationWithinTheCommandTimeoutAndLosesNothingItKept() {
		this.runner.run((context) -> {
			Leaderboard board = context.getBean(Leaderboards.class).board("outage-board");
			UniqueCounter visitors = context.getBean(UniqueCounters.class).counter("outage-visitors");
			Counters counters = context.getBean(Counters.class);
			List<CounterBatch> delivered = new CopyOnWriteArrayList<>();
			WriteBehindCounter views = context.getBean(WriteBehindCounters.class)
				.register("outage-views", delivered::add);
			board.submit("ann", 10);
			visitors.add("a", "b");
			counters.increment("outage-hits", "page");
			views.increment("article", 3);

			this.proxy.refuse();
			try {
				failsInTime(() -> board.submit("bob", 20));
				failsInTime(() -> board.top(3));
				failsInTime(() -> visitors.add("c"));
				failsInTime(visitors::count);
				failsInTime(() -> counters.increment("outage-hits", "page"));
				failsInTime(() -> counters.get("outage-hits", "page"));
				failsInTime(() -> views.increment("article"));
				failsInTime(views::flush);
				assertThat(delivered).as("the sink is not called during the outage").isEmpty();
			}
			finally {
				this.proxy.heal();
			}
			awaitAnswering(counters);
			this.proxy.blackHole();
			try {
				failsInTime(() -> board.top(3));
				failsInTime(() -> board.entry("ann"));
				failsInTime(visitors::count);
				failsInTime(() -> counters.get("outage-hits", "page"));
				failsInTime(() -> views.pending("article"));
			}
			finally {
				this.proxy.heal();
			}
			awaitAnswering(counters);

			assertThat(board.top(3)).extracting(Ranked::member).containsExactly("ann");
			assertThat(board.entry("ann")).map(Ranked::score).contains(10.0);
			assertThat(visitors.count()).isEqualTo(2);
			assertThat(counters.get("outage-hits", "page")).isEqualTo(1);
			assertThat(views.flush()).isEqualTo(FlushResult.FLUSHED);
			assertThat(delivered).singleElement().satisfies((batch) -> {
				assertThat(batch.deltas()).isEqualTo(Map.of("article", 3L));
				assertThat(batch.attempt()).isEqualTo(1);
			});
			assertThat(views.pending("article")).isZero();
		});
	}

	@Test
	void aBatchWhoseAcknowledgementWasLostIsDeliveredAgainUnderTheSameId() {
		this.runner.run((context) -> {
			List<CounterBatch> delivered = new CopyOnWriteArrayList<>();
			WriteBehindCounter views = context.getBean(WriteBehindCounters.class).register("lost-ack", (batch) -> {
				delivered.add(batch);
				if (delivered.size() == 1) {
					// the sink committed; Redis goes away before the batch is acknowledged
					this.proxy.refuse();
				}
			});
			views.increment("article", 5);
			assertThatThrownBy(views::flush).isInstanceOf(RedisUnavailableException.class);
			this.proxy.heal();
			Counters counters = context.getBean(Counters.class);
			awaitAnswering(counters);
			// after the batch's lease (1 s) it is handed out again
			await().atMost(Duration.ofSeconds(20)).until(() -> views.flush() == FlushResult.FLUSHED);
			assertThat(delivered).hasSize(2);
			assertThat(delivered.get(1).id()).isEqualTo(delivered.get(0).id());
			assertThat(delivered.get(1).attempt()).isEqualTo(2);
			assertThat(delivered.get(1).deltas()).isEqualTo(Map.of("article", 5L));
			assertThat(views.flush()).isEqualTo(FlushResult.EMPTY);
			assertThat(views.pending("article")).isZero();
		});
	}

	private static void failsInTime(ThrowingCallable operation) {
		long start = System.nanoTime();
		assertThatThrownBy(operation).isInstanceOf(RedisUnavailableException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
	}

	/** Once the connection is back: a read that succeeds. */
	private static void awaitAnswering(Counters counters) {
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> counters.get("probe", "probe") == 0);
	}

}
