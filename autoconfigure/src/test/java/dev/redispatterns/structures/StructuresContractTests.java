package dev.redispatterns.structures;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.test.AfterTopology;
import dev.redispatterns.test.BeforeTopology;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Contract of the data-structure services, run against every topology.
 */
@Tag("portable")
@RedisTopologies
class StructuresContractTests {

	/** Wednesday 7 May 2036, 22:30 UTC, ISO week 19: in the future, so expiry times are too. */
	static final Instant NOW = Instant.parse("2036-05-07T22:30:00Z");

	static RedisConnectionFactory factory;

	static RedisConnector connector;

	static ScriptExecutor scripts;

	static RedisDeployment redis;

	final RedisKeys keys = new RedisKeys("rp");

	@BeforeTopology
	static void connect(RedisDeployment deployment) {
		redis = deployment;
		factory = RedisConnectionFactories.of(deployment);
		connector = new RedisConnector(factory, Duration.ofSeconds(5));
		scripts = new ScriptExecutor(connector);
	}

	@AfterTopology
	static void disconnect() {
		connector.destroy();
		RedisConnectionFactories.destroy(factory);
	}

	Leaderboards leaderboards(Map<String, LeaderboardPolicy> boards) {
		return new Leaderboards(connector, scripts, this.keys, boards, LeaderboardPolicy.defaults(),
				Clock.fixed(NOW, ZoneOffset.UTC), StructuresListener.NONE);
	}

	@Test
	void leaderboardMatchesAReferenceImplementationOnARandomizedWorkload() {
		LeaderboardPolicy capped = new LeaderboardPolicy(LeaderboardPolicy.Order.LOWER_FIRST, Period.NONE,
				Duration.ZERO, 40);
		Leaderboards boards = leaderboards(Map.of("random-capped", capped));
		Leaderboard high = boards.board("random-high");
		Leaderboard low = boards.board("random-capped");
		high.clear();
		low.clear();
		ReferenceLeaderboard highReference = new ReferenceLeaderboard(LeaderboardPolicy.Order.HIGHER_FIRST, 0);
		ReferenceLeaderboard lowReference = new ReferenceLeaderboard(LeaderboardPolicy.Order.LOWER_FIRST, 40);
		List<String> members = members();
		Random random = new Random(20260506L);
		int queries = 0;
		for (int operation = 0; operation < 10_000; operation++) {
			boolean first = random.nextBoolean();
			Leaderboard board = first ? high : low;
			ReferenceLeaderboard reference = first ? highReference : lowReference;
			String member = members.get(random.nextInt(members.size()));
			String context = "operation " + operation + " on " + board.name() + " for '" + member + "'";
			int kind = random.nextInt(100);
			if (kind < 25) {
				double score = score(random);
				assertThat(board.submit(member, score)).as(context).isEqualTo(reference.submit(member, score));
			}
			else if (kind < 40) {
				double delta = (random.nextInt(11) - 5) + (random.nextBoolean() ? 0.25 : 0);
				assertThat(board.increment(member, delta)).as(context).isEqualTo(reference.increment(member, delta));
			}
			else if (kind < 55) {
				double score = score(random);
				assertThat(board.submitBest(member, score)).as(context).isEqualTo(reference.submitBest(member, score));
			}
			else if (kind < 60) {
				assertThat(board.remove(member)).as(context).isEqualTo(reference.remove(member));
			}
			else {
				queries++;
				int query = random.nextInt(5);
				switch (query) {
					case 0 -> {
						int count = 1 + random.nextInt(25);
						assertThat(board.top(count)).as(context + " top " + count).isEqualTo(reference.top(count));
					}
					case 1 -> {
						int size = 1 + random.nextInt(15);
						int page = 1 + random.nextInt(12);
						assertThat(board.page(page, size)).as(context + " page " + page + "/" + size)
							.isEqualTo(reference.page(page, size));
					}
					case 2 -> assertThat(board.entry(member)).as(context + " entry").isEqualTo(reference.entry(member));
					case 3 -> {
						int radius = random.nextInt(4);
						assertThat(board.around(member, radius)).as(context + " around " + radius)
							.isEqualTo(reference.around(member, radius));
					}
					default -> assertThat(board.size()).as(context + " size").isEqualTo(reference.size());
				}
			}
		}
		assertThat(queries).isGreaterThan(3000);
		assertThat(high.top(1000)).isEqualTo(highReference.ordered());
		assertThat(low.top(1000)).hasSize(40).isEqualTo(lowReference.ordered());
	}

	@Test
	void equalScoresAreOrderedByMemberNameAndRanksFollowThatOrder() {
		Leaderboard board = leaderboards(Map.of()).board("ties");
		board.clear();
		board.submit("carol", 10);
		board.submit("alice", 10);
		board.submit("bob", 10);
		board.submit("dave", 20);
		board.submit("Zed", 10);
		assertThat(board.top(5)).extracting(Ranked::member).containsExactly("dave", "Zed", "alice", "bob", "carol");
		assertThat(board.entry("bob")).contains(new Ranked(4, "bob", 10));
		assertThat(board.around("alice", 1)).extracting(Ranked::rank).containsExactly(2L, 3L, 4L);
		assertThat(board.page(2, 2).entries()).extracting(Ranked::member).containsExactly("alice", "bob");
	}

	@Test
	void keepBestIsAtomicUnderConcurrentSubmissions() throws Exception {
		Leaderboard board = leaderboards(Map.of()).board("best");
		board.clear();
		ExecutorService pool = Executors.newFixedThreadPool(16);
		AtomicLong best = new AtomicLong();
		AtomicInteger improvements = new AtomicInteger();
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int thread = 0; thread < 16; thread++) {
				Random random = new Random(thread);
				done.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < 100; i++) {
						long score = random.nextInt(1_000_000);
						best.accumulateAndGet(score, Math::max);
						if (board.submitBest("player", score).changed()) {
							improvements.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(board.entry("player")).contains(new Ranked(1, "player", best.get()));
		assertThat(improvements.get()).isBetween(1, 1600);
	}

	@Test
	void timeBoxedBoardsHaveOneKeyPerPeriodThatExpiresAfterTheRetention() {
		LeaderboardPolicy daily = new LeaderboardPolicy(LeaderboardPolicy.Order.HIGHER_FIRST, Period.DAILY,
				Duration.ofDays(2), 0);
		LeaderboardPolicy weekly = new LeaderboardPolicy(LeaderboardPolicy.Order.HIGHER_FIRST, Period.WEEKLY,
				Duration.ofDays(7), 0);
		Leaderboards boards = leaderboards(Map.of("daily", daily, "weekly", weekly));
		Leaderboard today = boards.board("daily");
		Leaderboard yesterday = boards.board("daily", LocalDate.of(2036, 5, 6));
		Leaderboard week = boards.board("weekly");
		assertThat(today.key()).isEqualTo("rp:lb:daily:2036-05-07");
		assertThat(yesterday.key()).isEqualTo("rp:lb:daily:2036-05-06");
		assertThat(week.key()).isEqualTo("rp:lb:weekly:2036-W19");
		assertThat(week.periodStart()).contains(LocalDate.of(2036, 5, 5));
		today.submit("ann", 5);
		yesterday.submit("ann", 7);
		week.increment("ann", 12);
		assertThat(today.entry("ann")).contains(new Ranked(1, "ann", 5));
		assertThat(yesterday.entry("ann")).contains(new Ranked(1, "ann", 7));
		long expectedToday = Instant.parse("2036-05-10T00:00:00Z").toEpochMilli();
		assertThat(pexpiretime(today.key())).isEqualTo(expectedToday);
		assertThat(pexpiretime(week.key())).isEqualTo(Instant.parse("2036-05-19T00:00:00Z").toEpochMilli());
		assertThat(pexpiretime(boards.board("all-time").key())).isEqualTo(-2L);
		boards.board("all-time").submit("ann", 1);
		assertThat(pexpiretime(boards.board("all-time").key())).as("all-time boards do not expire").isEqualTo(-1L);
	}

	@Test
	void uniqueCounterEstimatesWithinTwoPercentOnOneHundredThousandItems() {
		UniqueCounter visitors = new UniqueCounters(connector, scripts, this.keys, Map.of(),
				new UniqueCounterPolicy(Period.NONE, Duration.ZERO), Clock.fixed(NOW, ZoneOffset.UTC),
				StructuresListener.NONE)
			.counter("visitors-100k");
		connector.await(connector.commands().unlink(this.keys.slotGroup("hll", "visitors-100k").key().getBytes()));
		List<String> items = new ArrayList<>(100_000);
		for (int i = 0; i < 100_000; i++) {
			items.add("user-" + i);
		}
		assertThat(visitors.add(items)).isTrue();
		long estimate = visitors.count();
		assertThat((double) estimate).isCloseTo(100_000, within(2_000.0));
		assertThat(visitors.add(items.subList(0, 5_000))).as("nothing new").isFalse();
		assertThat(visitors.count()).isEqualTo(estimate);
	}

	@Test
	void uniqueCounterCountsAndMergesDaysIntoAWeek() {
		UniqueCounters counters = new UniqueCounters(connector, scripts, this.keys, Map.of(),
				UniqueCounterPolicy.defaults(), Clock.fixed(NOW, ZoneOffset.UTC), StructuresListener.NONE);
		UniqueCounter visitors = counters.counter("visitors-week");
		LocalDate monday = LocalDate.of(2036, 5, 5);
		List<String> mondayItems = new ArrayList<>();
		List<String> tuesdayItems = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			mondayItems.add("v" + i);
			tuesdayItems.add("v" + (i + 500));
		}
		visitors.addAt(monday, mondayItems);
		visitors.addAt(monday.plusDays(1), tuesdayItems);
		visitors.add("v0", "v2000");
		assertThat((double) visitors.count(monday)).isCloseTo(1000, within(20.0));
		long week = visitors.countBetween(monday, monday.plusDays(6));
		assertThat((double) week).isCloseTo(1501, within(30.0));
		assertThat(visitors.mergeWeek(NOW.atZone(ZoneOffset.UTC).toLocalDate())).isEqualTo(week);
		assertThat(visitors.rollupCount("2036-W19")).isEqualTo(week);
		String dayKey = this.keys.slotGroup("hll", "visitors-week").key("2036-05-05");
		String rollupKey = this.keys.slotGroup("hll", "visitors-week").key("r:2036-W19");
		assertThat(pexpiretime(dayKey)).isEqualTo(Instant.parse("2036-06-10T00:00:00Z").toEpochMilli());
		assertThat(pexpiretime(rollupKey)).isEqualTo(Instant.parse("2036-06-16T00:00:00Z").toEpochMilli());
	}

	@Test
	void countersIncrementAtomicallyAndExpire() throws Exception {
		Counters counters = new Counters(connector, scripts, this.keys,
				Map.of("views", new CounterPolicy(Duration.ofMinutes(10), false), "idle",
						new CounterPolicy(Duration.ofMinutes(10), true)),
				CounterPolicy.defaults(), StructuresListener.NONE);
		counters.delete("views", "page-1");
		assertThat(counters.increment("views", "page-1")).isEqualTo(1);
		assertThat(counters.increment("views", "page-1", 4)).isEqualTo(5);
		assertThat(counters.get("views", "page-1")).isEqualTo(5);
		assertThat(counters.get("views", "page-2")).isZero();
		String key = this.keys.key("ctr", "views", "page-1");
		long ttl = pttl(key);
		assertThat(ttl).isBetween(1L, Duration.ofMinutes(10).toMillis());
		pexpire(key, 60_000);
		counters.increment("views", "page-1");
		assertThat(pttl(key)).as("fixed window: not restarted").isLessThanOrEqualTo(60_000L);
		String idle = this.keys.key("ctr", "idle", "page-1");
		counters.increment("idle", "page-1");
		pexpire(idle, 60_000);
		counters.increment("idle", "page-1");
		assertThat(pttl(idle)).as("sliding: restarted").isGreaterThan(60_000L);
		assertThat(counters.delete("views", "page-1")).isTrue();
	}

	@Test
	void boundedIncrementsNeverOvershootTheLimitUnderConcurrency() throws Exception {
		Counters counters = new Counters(connector, scripts, this.keys);
		counters.delete("quota", "tenant-1");
		AtomicInteger accepted = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int thread = 0; thread < 16; thread++) {
				done.add(pool.submit(() -> {
					for (int i = 0; i < 20; i++) {
						CounterUpdate update = counters.incrementWithin("quota", "tenant-1", 1, 100);
						assertThat(update.value()).isLessThanOrEqualTo(100);
						if (update.accepted()) {
							accepted.incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(accepted.get()).isEqualTo(100);
		assertThat(counters.get("quota", "tenant-1")).isEqualTo(100);
	}

	@Test
	void writeBehindDeliversEveryIncrementExactlyOnceAcrossFlushers() throws Exception {
		Map<String, Long> applied = new ConcurrentHashMap<>();
		List<String> batches = new CopyOnWriteArrayList<>();
		CounterSink sink = (batch) -> {
			batches.add(batch.id());
			batch.deltas().forEach((id, delta) -> applied.merge(id, delta, Long::sum));
		};
		WriteBehindCounters first = new WriteBehindCounters(scripts, this.keys);
		WriteBehindCounters second = new WriteBehindCounters(scripts, this.keys);
		WriteBehindCounter one = first.register("wb-contract", sink);
		WriteBehindCounter two = second.register("wb-contract", sink);
		one.flush();
		applied.clear();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int thread = 0; thread < 8; thread++) {
				WriteBehindCounter counter = (thread % 2 == 0) ? one : two;
				done.add(pool.submit(() -> {
					for (int i = 0; i < 250; i++) {
						counter.increment("article-" + (i % 10));
						if (i % 50 == 0) {
							counter.flush();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(one.pending("article-1") + applied.getOrDefault("article-1", 0L)).isEqualTo(200);
		first.flushAll();
		second.flushAll();
		assertThat(applied).hasSize(10).allSatisfy((id, total) -> assertThat(total).as(id).isEqualTo(200L));
		assertThat(batches).doesNotHaveDuplicates();
		assertThat(one.pending("article-1")).isZero();
		assertThat(one.flush()).isEqualTo(WriteBehindCounter.FlushResult.EMPTY);
	}

	@Test
	void writeBehindRedeliversAFailedBatchWithTheSameId() {
		List<CounterBatch> seen = new ArrayList<>();
		AtomicInteger failures = new AtomicInteger(1);
		WriteBehindCounters counters = new WriteBehindCounters(scripts, this.keys);
		WriteBehindCounter counter = counters.register("wb-retry", (batch) -> {
			seen.add(batch);
			if (failures.getAndDecrement() > 0) {
				throw new IllegalStateException("database down");
			}
		});
		counter.flush();
		seen.clear();
		counter.increment("a", 3);
		assertThat(counter.flush()).isEqualTo(WriteBehindCounter.FlushResult.FAILED);
		counter.increment("a", 2);
		assertThat(counter.pending("a")).isEqualTo(5);
		assertThat(counter.flush()).isEqualTo(WriteBehindCounter.FlushResult.FLUSHED);
		assertThat(counter.flush()).isEqualTo(WriteBehindCounter.FlushResult.FLUSHED);
		assertThat(seen).hasSize(3);
		assertThat(seen.get(1).id()).isEqualTo(seen.get(0).id());
		assertThat(seen.get(1).attempt()).isEqualTo(2);
		assertThat(seen.get(1).isRedelivery()).isTrue();
		assertThat(seen.get(1).deltas()).containsExactlyEntriesOf(Map.of("a", 3L));
		assertThat(seen.get(2).deltas()).containsExactlyEntriesOf(Map.of("a", 2L));
		assertThat(seen.get(2).id()).isNotEqualTo(seen.get(0).id());
	}

	@Test
	void writeBehindBatchOfADeadFlusherIsTakenOverAfterItsLease() throws Exception {
		WriteBehindPolicy shortLease = new WriteBehindPolicy(Duration.ofSeconds(10), Duration.ofMillis(300),
				Duration.ofDays(1));
		CountDownLatch inSink = new CountDownLatch(1);
		CountDownLatch never = new CountDownLatch(1);
		WriteBehindCounters dying = new WriteBehindCounters(scripts, this.keys, Map.of("wb-lease", shortLease),
				shortLease, Duration.ofSeconds(1), StructuresListener.NONE);
		WriteBehindCounter stuck = dying.register("wb-lease", (batch) -> {
			inSink.countDown();
			never.await();
		});
		List<CounterBatch> seen = new CopyOnWriteArrayList<>();
		WriteBehindCounters healthy = new WriteBehindCounters(scripts, this.keys, Map.of("wb-lease", shortLease),
				shortLease, Duration.ofSeconds(1), StructuresListener.NONE);
		WriteBehindCounter taking = healthy.register("wb-lease", seen::add);
		taking.flush();
		seen.clear();
		stuck.increment("x", 7);
		Thread hung = new Thread(stuck::flush);
		hung.setDaemon(true);
		hung.start();
		assertThat(inSink.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(taking.flush()).as("lease still held").isEqualTo(WriteBehindCounter.FlushResult.BUSY);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		WriteBehindCounter.FlushResult result;
		do {
			Thread.sleep(50);
			result = taking.flush();
		}
		while (result == WriteBehindCounter.FlushResult.BUSY && System.nanoTime() < deadline);
		assertThat(result).isEqualTo(WriteBehindCounter.FlushResult.FLUSHED);
		assertThat(seen).singleElement().satisfies((batch) -> {
			assertThat(batch.deltas()).containsExactlyEntriesOf(Map.of("x", 7L));
			assertThat(batch.attempt()).isEqualTo(2);
		});
		never.countDown();
	}

	private static double score(Random random) {
		return random.nextInt(30) + (random.nextInt(4) == 0 ? 0.5 : 0);
	}

	private static List<String> members() {
		List<String> members = new ArrayList<>();
		for (int i = 0; i < 120; i++) {
			members.add("player-" + i);
		}
		members.addAll(List.of("a", "A", "b", "B", "Z", "z", "é", "e", "ß", "日本", "\uD83D\uDE00", "a b", "a:b",
				"{tag}", "%", "Ünïcødé", "ZZ", "zz", "0", "9"));
		return members;
	}

	private static long pttl(String key) {
		return connector.await(connector.commands().pttl(key.getBytes()));
	}

	private static void pexpire(String key, long millis) {
		connector.execute((connection) -> connection.keyCommands().pExpire(key.getBytes(), millis));
	}

	/** Through a script, which both clients route to the key's node. */
	private static long pexpiretime(String key) {
		return connector.<Long>await(connector.commands()
			.eval("return redis.call('PEXPIRETIME', KEYS[1])".getBytes(), ReturnType.INTEGER,
					new byte[][] { key.getBytes() }));
	}

}
