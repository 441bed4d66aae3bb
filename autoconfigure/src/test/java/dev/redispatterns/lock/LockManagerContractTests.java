package dev.redispatterns.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.lock.LockNotAcquiredException.Reason;
import dev.redispatterns.test.AfterTopology;
import dev.redispatterns.test.BeforeTopology;
import dev.redispatterns.test.EnabledOnTopology;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisSentinelProcesses;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The lock engine's contract against a real Redis, run for every topology. Two managers
 * with their own connections stand for two application instances.
 */
@Tag("portable")
@RedisTopologies
class LockManagerContractTests {

	static final RedisKeys KEYS = new RedisKeys("rp");

	static final Duration LONG_WAIT = Duration.ofSeconds(20);

	static final LuaScript PUBLISH_ON_SLOT = LuaScript.of("publish_on_slot",
			"return redis.call('PUBLISH', ARGV[1], ARGV[2])");

	/**
	 * Command counts come from the server-wide {@code INFO commandstats}, which also counts what others send
	 * meanwhile (a Sentinel's hello {@code PUBLISH} every 2 s): a count is checked in up to this many cycles,
	 * and a cycle that always sends other commands fails every attempt.
	 */
	static final int COUNTING_ATTEMPTS = 3;

	/** Measurements a failover may spoil in one test before the counts count as broken. */
	static final int MISSED_MEASUREMENTS = 3;

	static RedisDeployment redis;

	static Instance first;

	static Instance second;

	private final List<RedisLockManager> managers = new ArrayList<>();

	private final ExecutorService pool = Executors.newCachedThreadPool();

	String name;

	private int missedMeasurements;

	@BeforeTopology
	static void connect(RedisDeployment deployment) {
		redis = deployment;
		first = new Instance(deployment);
		second = new Instance(deployment);
	}

	@AfterTopology
	static void disconnect() {
		first.close();
		second.close();
	}

	@BeforeEach
	void name(TestInfo test) {
		this.name = test.getTestMethod().orElseThrow().getName();
	}

	@AfterEach
	void closeManagers() throws InterruptedException {
		this.pool.shutdownNow();
		this.pool.awaitTermination(10, TimeUnit.SECONDS);
		this.managers.forEach(RedisLockManager::destroy);
	}

	RedisLockManager manager(Instance instance, LockManagerSettings settings) {
		return manager(instance, settings, LockListener.NONE);
	}

	RedisLockManager manager(Instance instance, LockManagerSettings settings, LockListener listener) {
		RedisLockManager manager = new RedisLockManager(instance.connector, instance.scripts, instance.signals, KEYS,
				settings, listener);
		this.managers.add(manager);
		return manager;
	}

	static LockRequest waitFor(Duration wait, Duration lease) {
		return new LockRequest(wait, lease, "test");
	}

	@Test
	void uncontendedAcquireAndReleaseAreOneScriptRunEach() {
		RedisLockManager locks = manager(first, LockManagerSettings.defaults());
		locks.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(10)).orElseThrow().unlock();
		List<String> seen = new ArrayList<>();
		for (int attempt = 0; attempt < COUNTING_ATTEMPTS; attempt++) {
			Counted counted = count(() -> assertThat(
					locks.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(10)).orElseThrow().unlock()).isTrue());
			long scriptRuns = counted.of("evalsha");
			long published = counted.of("publish");
			if (scriptRuns == 2 && published == 0) {
				assertThat(first.exists(lockKey(this.name))).isFalse();
				return;
			}
			seen.add(scriptRuns + " EVALSHA, " + published + " PUBLISH");
		}
		assertThat(seen).as("per acquire + release: 2 EVALSHA, no wake-up published without waiters").isEmpty();
	}

	@Test
	void uncontendedCycleRunsSevenCommandsInRedis() {
		RedisLockManager locks = manager(first, LockManagerSettings.defaults());
		locks.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(10)).orElseThrow().unlock();
		List<Long> seen = new ArrayList<>();
		for (int attempt = 0; attempt < COUNTING_ATTEMPTS; attempt++) {
			long commands = count(() -> assertThat(
					locks.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(10)).orElseThrow().unlock()).isTrue())
				.data();
			// acquire: EVALSHA, TIME, SET NX PX GET, SET counter GET; release: EVALSHA, GET, DEL
			if (commands == 7) {
				return;
			}
			seen.add(commands);
		}
		assertThat(seen).as("commands per uncontended acquire + release (7 expected)").isEmpty();
	}

	@Test
	void aRefusedAttemptRunsFourCommandsAndLeavesTheFencingCounterAlone() {
		RedisLockManager holder = manager(first, LockManagerSettings.defaults());
		RedisLockManager other = manager(second, LockManagerSettings.defaults());
		LockHandle held = holder.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(30)).orElseThrow();
		String counter = first.get(lockKey(this.name) + ":fence");
		List<Long> seen = new ArrayList<>();
		try {
			for (int attempt = 0; attempt < COUNTING_ATTEMPTS; attempt++) {
				long commands = count(
						() -> assertThat(other.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(10))).isEmpty())
					.data();
				// EVALSHA, TIME, SET NX PX GET (refused: it reads the holder's value), PTTL
				if (commands == 4) {
					assertThat(first.get(lockKey(this.name) + ":fence")).isEqualTo(counter);
					return;
				}
				seen.add(commands);
			}
			assertThat(seen).as("commands per refused attempt (4 expected)").isEmpty();
		}
		finally {
			held.unlock();
		}
	}

	@Test
	void everyWaiterThatQueuesKeepsTheCounterWithItsQueueFlagAliveForItsRegistration() throws Exception {
		// a counter that lives longer than a registration (2 x 200 ms + 2 s): it is not refreshed by the lock's
		// own acquisitions while the lock is held, so the waiters must keep it alive
		LockManagerSettings settings = LockManagerSettings.defaults()
			.withPollInterval(Duration.ofMillis(200))
			.withFencingCounterTtl(Duration.ofSeconds(5));
		RedisLockManager holder = manager(first, settings);
		RedisLockManager waiters = manager(second, settings);
		LockHandle held = holder.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
		String counter = lockKey(this.name) + ":fence";
		String queue = lockKey(this.name) + ":queue";
		try {
			queueWaiter(waiters, queue, 1);
			assertThat(first.get(counter)).as("counter flagged").endsWith("|q");
			// as if the counter's life had nearly run out while the lock stayed held
			first.connector.execute((connection) -> connection.keyCommands()
				.pExpire(LockTarget.bytes(counter), 1500));
			queueWaiter(waiters, queue, 2);
			assertThat(first.pttl(counter)).as("counter's life after a waiter queued (ms)").isGreaterThan(2000);
			assertThat(first.get(counter)).endsWith("|q");
		}
		finally {
			held.unlock();
		}
	}

	@Test
	void waitersThatQueueWithinARegistrationLeaveTheQueuesLifeAlone() throws Exception {
		// a registration with the default 1 s poll: 2 x 1 s + the instances' 2 s command timeout
		long registration = 4000;
		RedisLockManager holder = manager(first, LockManagerSettings.defaults());
		RedisLockManager waiters = manager(second, LockManagerSettings.defaults());
		LockHandle held = holder.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
		String queue = lockKey(this.name) + ":queue";
		String entries = lockKey(this.name) + ":waiters";
		try {
			queueWaiter(waiters, queue, 1);
			assertThat(first.pttl(queue)).as("queue's life after the first waiter queued (ms)")
				.isGreaterThan(registration);
			assertThat(first.pttl(entries)).as("waiters' life after the first waiter queued (ms)")
				.isGreaterThan(registration);
			AtomicInteger place = new AtomicInteger(1);
			assertThat(count(() -> queueWaiter(waiters, queue, place.incrementAndGet())).of("pexpire"))
				.as("PEXPIRE while another waiter queued")
				.isZero();
		}
		finally {
			held.unlock();
		}
	}

	@Test
	void aWaiterQueueingBehindAnotherRunsTenCommands() throws Exception {
		RedisLockManager holder = manager(first, LockManagerSettings.defaults());
		RedisLockManager waiters = manager(second, LockManagerSettings.defaults());
		LockHandle held = holder.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
		String queue = lockKey(this.name) + ":queue";
		List<Long> seen = new ArrayList<>();
		try {
			// the first waiter keeps the channels subscribed, so the next ones queue with their first attempt
			queueWaiter(waiters, queue, 1);
			AtomicInteger place = new AtomicInteger(1);
			for (int attempt = 0; attempt < COUNTING_ATTEMPTS; attempt++) {
				long commands = count(() -> queueWaiter(waiters, queue, place.incrementAndGet())).data();
				// EVALSHA, TIME, SET NX PX GET (refused), ZADD, HSET, PTTL on the queue and on the waiters hash,
				// GET and PTTL on the counter (its queue flag and its life), PTTL on the lock for the retry hint
				if (commands == 10) {
					return;
				}
				seen.add(commands);
			}
			assertThat(seen).as("commands per queuing attempt behind another waiter (10 expected)").isEmpty();
		}
		finally {
			held.unlock();
		}
	}

	/** Starts a caller of {@code waiters} that waits for the held lock, and returns once it is queued in Redis. */
	private void queueWaiter(RedisLockManager waiters, String queue, int place) {
		this.pool.submit(() -> waiters.lock(this.name, LONG_WAIT, Duration.ofSeconds(30)));
		Eventually.await("waiter " + place + " queued", Duration.ofSeconds(10), () -> first.zcard(queue) == place);
	}

	@Test
	void mutualExclusionUnderContentionFromTwoInstances() throws Exception {
		RedisLockManager[] locks = { manager(first, LockManagerSettings.defaults()), manager(second, LockManagerSettings.defaults()) };
		int[] counter = new int[1];
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		int threads = 8;
		int rounds = 20;
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			RedisLockManager manager = locks[t % 2];
			futures.add(this.pool.submit(() -> {
				for (int i = 0; i < rounds; i++) {
					try (LockHandle lock = manager.lock(this.name, waitFor(LONG_WAIT, Duration.ofSeconds(30)))) {
						if (inside.incrementAndGet() > 1) {
							overlaps.incrementAndGet();
						}
						int value = counter[0];
						Thread.yield();
						counter[0] = value + 1;
						inside.decrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(2, TimeUnit.MINUTES);
		}
		assertThat(overlaps).hasValue(0);
		assertThat(counter[0]).as("no lost updates").isEqualTo(threads * rounds);
	}

	@Test
	void fencingTokensStrictlyIncreaseInAcquisitionOrder() throws Exception {
		RedisLockManager[] locks = { manager(first, LockManagerSettings.defaults()), manager(second, LockManagerSettings.defaults()) };
		List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < 6; t++) {
			RedisLockManager manager = locks[t % 2];
			futures.add(this.pool.submit(() -> {
				for (int i = 0; i < 15; i++) {
					try (LockHandle lock = manager.lock(this.name, waitFor(LONG_WAIT, Duration.ofSeconds(30)))) {
						tokens.add(lock.fencingToken());
					}
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(2, TimeUnit.MINUTES);
		}
		assertThat(tokens).hasSize(90);
		for (int i = 1; i < tokens.size(); i++) {
			assertThat(tokens.get(i)).as("token %d", i).isGreaterThan(tokens.get(i - 1));
		}
	}

	@Test
	void fencingTokensKeepIncreasingAfterTheLockAndItsCounterExpired() {
		RedisLockManager locks = manager(first, LockManagerSettings.defaults().withFencingCounterTtl(Duration.ofMillis(300)));
		long before = locks.tryLock(this.name, Duration.ZERO, Duration.ofMillis(200)).orElseThrow().fencingToken();
		String counter = lockKey(this.name) + ":fence";
		Eventually.await("lock and counter expired", Duration.ofSeconds(5),
				() -> !first.exists(lockKey(this.name)) && !first.exists(counter));
		long after = locks.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(5)).orElseThrow().fencingToken();
		assertThat(after).isGreaterThan(before);

		// a counter ahead of the server clock (tokens issued faster than one per microsecond) is honoured too
		first.command("SET", counter, Long.toString(after + 1_000_000_000L));
		first.command("DEL", lockKey(this.name));
		long ahead = locks.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(5)).orElseThrow().fencingToken();
		assertThat(ahead).isEqualTo(after + 1_000_000_001L);
		first.command("DEL", lockKey(this.name), counter);
		assertThat(locks.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(5)).orElseThrow().fencingToken())
			.as("deleted counter: server time, still above every token of the past")
			.isGreaterThan(after);
	}

	@Test
	void releaseByAFormerOwnerDoesNotFreeTheNewHoldersLock() {
		RedisLockManager a = manager(first, LockManagerSettings.defaults());
		RedisLockManager b = manager(second, LockManagerSettings.defaults());
		LockHandle stale = a.tryLock(this.name, Duration.ZERO, Duration.ofMillis(300)).orElseThrow();
		Eventually.await("lease ran out", Duration.ofSeconds(5), () -> !first.exists(lockKey(this.name)));
		assertThat(stale.isHeld()).isFalse();
		LockHandle current = b.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(30)).orElseThrow();
		assertThat(current.fencingToken()).isGreaterThan(stale.fencingToken());
		assertThat(stale.unlock()).isFalse();
		assertThat(first.get(lockKey(this.name))).startsWith(((RedisLockHandle) current).token + "|");
		assertThat(a.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(1))).isEmpty();
		assertThat(current.unlock()).isTrue();
	}

	/**
	 * Watchdog leases in these tests are 3 s, renewed every second: a renewal may come 2 s late (a loaded
	 * machine, a GC pause) before the holder counts the lease as lost.
	 */
	static final Duration WATCHDOG_LEASE = Duration.ofSeconds(3);

	@Test
	void watchdogKeepsTheLockWhileHeldAndLetsItExpireAfterAbandonment() {
		LockManagerSettings settings = LockManagerSettings.defaults().withWatchdogLease(WATCHDOG_LEASE);
		RedisLockManager holder = manager(first, settings);
		LockHandle handle = holder.lock(this.name, Duration.ZERO, null);
		Eventually.holdsFor("lock kept alive well past its 3 s lease", Duration.ofSeconds(5),
				() -> handle.isHeld() && first.exists(lockKey(this.name)));
		assertThat(first.pttl(lockKey(this.name))).isBetween(1L, WATCHDOG_LEASE.toMillis());

		// like a killed process: renewals stop, nobody releases
		holder.destroy();
		long abandoned = System.nanoTime();
		Eventually.await("abandoned lock expired", Duration.ofSeconds(10), () -> !first.exists(lockKey(this.name)));
		assertThat(Duration.ofNanos(System.nanoTime() - abandoned)).as("expired within its lease, not renewed")
			.isLessThan(WATCHDOG_LEASE.plusSeconds(3));
		assertThat(manager(second, settings).tryLock(this.name, Duration.ZERO, null)).isPresent();
	}

	@Test
	void watchdogKeepsReadLocksAndPermitsAlive() {
		RedisLockManager holder = manager(first, LockManagerSettings.defaults().withWatchdogLease(WATCHDOG_LEASE));
		RedisLockManager other = manager(second, LockManagerSettings.defaults());
		LockRequest watchdog = new LockRequest(Duration.ZERO, null, "test");
		LockRequest now = waitFor(Duration.ZERO, Duration.ofSeconds(5));
		LockHandle reader = holder.readLock(this.name, watchdog);
		LockHandle permit = holder.acquirePermit(this.name, 1, watchdog);
		Eventually.holdsFor("read lock and permit kept past their 3 s lease", Duration.ofSeconds(5),
				() -> reader.isHeld() && permit.isHeld());
		assertThat(other.tryWriteLock(this.name, now)).as("writer while the reader is renewed").isEmpty();
		assertThat(other.tryAcquirePermit(this.name, 1, now)).as("permit while the holder's is renewed").isEmpty();
		assertThat(reader.unlock()).isTrue();
		assertThat(permit.unlock()).isTrue();
		assertThat(other.tryWriteLock(this.name, now)).isPresent();
		assertThat(other.tryAcquirePermit(this.name, 1, now)).isPresent();
	}

	@Test
	void aLockDeletedBehindItsBackIsReportedLost() throws Exception {
		AtomicInteger lostEvents = new AtomicInteger();
		LockListener listener = new LockListener() {
			@Override
			public void onLost(String name, LockType type) {
				lostEvents.incrementAndGet();
			}
		};
		RedisLockManager locks = manager(first, LockManagerSettings.defaults().withWatchdogLease(WATCHDOG_LEASE), listener);
		LockHandle handle = locks.lock(this.name, Duration.ZERO, null);
		CompletableFuture<LockHandle> lost = new CompletableFuture<>();
		handle.onLost(lost::complete);
		assertThat(first.command("DEL", lockKey(this.name))).as("deleted while held").isEqualTo(1L);
		assertThat(lost.get(10, TimeUnit.SECONDS)).isSameAs(handle);
		assertThat(handle.isHeld()).isFalse();
		assertThat(lostEvents).hasValue(1);
		CompletableFuture<LockHandle> late = new CompletableFuture<>();
		handle.onLost(late::complete);
		assertThat(late).as("late listeners hear it at once").isCompletedWithValue(handle);
	}

	@Test
	void waitersAreWokenPromptlyOnRelease() throws Exception {
		Duration poll = Duration.ofSeconds(2);
		RedisLockManager holder = manager(first, LockManagerSettings.defaults().withPollInterval(poll));
		RedisLockManager waiter = manager(second, LockManagerSettings.defaults().withPollInterval(poll));
		List<Long> latencies = new ArrayList<>();
		for (int round = 0; round < 8; round++) {
			LockHandle held = holder.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
			AtomicLong acquiredAt = new AtomicLong();
			Future<LockHandle> waiting = this.pool.submit(() -> {
				LockHandle handle = waiter.lock(this.name, LONG_WAIT, Duration.ofSeconds(30));
				acquiredAt.set(System.nanoTime());
				return handle;
			});
			Eventually.await("waiter queued", Duration.ofSeconds(10), () -> first.zcard(lockKey(this.name) + ":queue") == 1);
			long released = System.nanoTime();
			held.unlock();
			LockHandle handed = waiting.get(10, TimeUnit.SECONDS);
			latencies.add(TimeUnit.NANOSECONDS.toMillis(acquiredAt.get() - released));
			assertThat(handed.fencingToken()).isGreaterThan(held.fencingToken());
			handed.unlock();
		}
		Collections.sort(latencies);
		assertThat(latencies.get(latencies.size() / 2)).as("median hand-off ms " + latencies)
			.isLessThan(poll.toMillis() / 4);
	}

	@Test
	void aHandOverIsToldToTheInstanceOfTheWaiterAloneNotToEveryInstanceWaitingForTheLock() throws Exception {
		Duration poll = Duration.ofSeconds(5);
		RedisLockManager holder = manager(first, LockManagerSettings.defaults().withPollInterval(poll));
		RedisLockManager waiter = manager(second, LockManagerSettings.defaults().withPollInterval(poll));
		String channel = lockKey(this.name) + ":released";
		List<String> told = new CopyOnWriteArrayList<>();
		// an instance waiting for the same lock listens on the lock's channel
		try (RedisSignals.Subscription bystander = first.signals.subscribe(channel,
				(message) -> told.add(new String(message, StandardCharsets.UTF_8)))) {
			LockHandle held = holder.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
			Future<LockHandle> waiting = this.pool.submit(() -> waiter.lock(this.name, LONG_WAIT, Duration.ofSeconds(30)));
			Eventually.await("waiter queued", Duration.ofSeconds(10), () -> first.zcard(lockKey(this.name) + ":queue") == 1);
			long released = System.nanoTime();
			held.unlock();
			LockHandle handed = waiting.get(10, TimeUnit.SECONDS);
			assertThat(Duration.ofNanos(System.nanoTime() - released)).as("woken by the hand-over, not the 5 s poll")
				.isLessThan(Duration.ofMillis(2500));
			// published from the lock's own node after the release ran there: Redis delivers it after anything
			// the release published on the channel
			first.scripts.call(PUBLISH_ON_SLOT, ReturnType.INTEGER, new byte[][] { LockTarget.bytes(lockKey(this.name)) },
					LockTarget.bytes(channel), LockTarget.bytes("marker"));
			Eventually.await("marker delivered", Duration.ofSeconds(10), () -> told.contains("marker"));
			assertThat(told).as("messages on the lock's channel").containsExactly("marker");
			handed.unlock();
		}
	}

	@Test
	void waitTimeIsHonoured() {
		RedisLockManager a = manager(first, LockManagerSettings.defaults());
		RedisLockManager b = manager(second, LockManagerSettings.defaults());
		a.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
		long start = System.nanoTime();
		assertThatThrownBy(() -> b.lock(this.name, waitFor(Duration.ofMillis(700), Duration.ofSeconds(5))))
			.isInstanceOfSatisfying(LockNotAcquiredException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.TIMEOUT);
				assertThat(ex.lockName()).isEqualTo(this.name);
			});
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(700)).isLessThan(Duration.ofMillis(700 + 2000));
		assertThat(first.zcard(lockKey(this.name) + ":queue")).as("gave up its place in the queue").isZero();
	}

	@Test
	void waitersAreServedInArrivalOrder() throws Exception {
		RedisLockManager a = manager(first, LockManagerSettings.defaults());
		RedisLockManager b = manager(second, LockManagerSettings.defaults());
		LockHandle held = a.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
		List<Integer> order = new CopyOnWriteArrayList<>();
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			int id = i;
			RedisLockManager manager = (i % 2 == 0) ? a : b;
			futures.add(this.pool.submit(() -> {
				try (LockHandle lock = manager.lock(this.name, LONG_WAIT, Duration.ofSeconds(30))) {
					order.add(id);
				}
				return null;
			}));
			Eventually.await("waiter " + i + " queued", Duration.ofSeconds(10),
					() -> first.zcard(lockKey(this.name) + ":queue") == id + 1);
		}
		held.unlock();
		for (Future<?> future : futures) {
			future.get(30, TimeUnit.SECONDS);
		}
		assertThat(order).containsExactly(0, 1, 2, 3, 4);
	}

	@Test
	void nonFairReleasePassesTheLockToAWaiterOfTheSameInstanceFirst() throws Exception {
		LockManagerSettings nonFair = LockManagerSettings.defaults().withFair(false);
		RedisLockManager a = manager(first, nonFair);
		RedisLockManager b = manager(second, nonFair);
		String queue = lockKey(this.name) + ":queue";
		LockHandle held = a.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
		Future<LockHandle> remote = this.pool.submit(() -> b.lock(this.name, LONG_WAIT, Duration.ofSeconds(30)));
		Eventually.await("other instance queued in Redis", Duration.ofSeconds(10), () -> first.zcard(queue) == 1);
		Future<LockHandle> local = this.pool.submit(() -> a.lock(this.name, LONG_WAIT, Duration.ofSeconds(30)));
		Eventually.await("waiting in its own instance", Duration.ofSeconds(10), () -> a.localWaiters(this.name) == 1);
		assertThat(first.zcard(queue)).as("only one waiter per instance in Redis").isEqualTo(1);

		assertThat(held.unlock()).isTrue();
		LockHandle passed = local.get(10, TimeUnit.SECONDS);
		assertThat(passed.isHeld()).isTrue();
		assertThat(passed.fencingToken()).isGreaterThan(held.fencingToken());
		assertThat(first.get(lockKey(this.name))).startsWith(((RedisLockHandle) passed).token + "|");
		assertThat(remote.isDone()).as("the other instance still waits").isFalse();

		assertThat(passed.unlock()).isTrue();
		LockHandle served = remote.get(10, TimeUnit.SECONDS);
		assertThat(served.fencingToken()).isGreaterThan(passed.fencingToken());
		assertThat(served.unlock()).isTrue();
		assertThat(a.openGates()).as("no gate left behind").isZero();
		assertThat(b.openGates()).isZero();
	}

	@Test
	void nonFairModeServesAnotherInstanceAfterABoundedRunOfLocalHandOffs() throws Exception {
		RedisLockManager a = manager(first, LockManagerSettings.defaults().withFair(false));
		RedisLockManager b = manager(second, LockManagerSettings.defaults());
		AtomicInteger localAcquisitions = new AtomicInteger();
		java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
		List<Long> fences = Collections.synchronizedList(new ArrayList<>());
		List<Future<?>> loops = new ArrayList<>();
		for (int t = 0; t < 3; t++) {
			loops.add(this.pool.submit(() -> {
				while (!stop.get()) {
					try (LockHandle lock = a.lock(this.name, LONG_WAIT, Duration.ofSeconds(30))) {
						fences.add(lock.fencingToken());
						localAcquisitions.incrementAndGet();
					}
				}
				return null;
			}));
		}
		Eventually.await("local hand-offs running", Duration.ofSeconds(10), () -> localAcquisitions.get() > 50);
		Future<LockHandle> remote = this.pool.submit(() -> b.lock(this.name, LONG_WAIT, Duration.ofSeconds(30)));
		Eventually.await("other instance queued", Duration.ofSeconds(10),
				() -> remote.isDone() || first.zcard(lockKey(this.name) + ":queue") == 1);
		int queuedAt = localAcquisitions.get();
		LockHandle served = remote.get(20, TimeUnit.SECONDS);
		int meanwhile = localAcquisitions.get() - queuedAt;
		fences.add(served.fencingToken());
		served.unlock();
		stop.set(true);
		for (Future<?> loop : loops) {
			loop.get(30, TimeUnit.SECONDS);
		}
		assertThat(meanwhile).as("hand-offs inside the instance while the other one waited")
			.isLessThanOrEqualTo(LockManagerSettings.LOCAL_HAND_OFFS + 3);
		assertThat(fences).as("fencing tokens in acquisition order").isSorted().doesNotHaveDuplicates();
		assertThat(a.openGates()).isZero();
	}

	@Test
	void aHandleCanBeReleasedFromAnotherThread() throws Exception {
		RedisLockManager locks = manager(first, LockManagerSettings.defaults());
		LockHandle handle = locks.lock(this.name, Duration.ZERO, null);
		assertThat(CompletableFuture.supplyAsync(handle::unlock, this.pool).get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(handle.isHeld()).isFalse();
		assertThat(locks.tryLock(this.name, Duration.ZERO, null)).isPresent();
	}

	@Test
	void acquireAndReleaseAreIdempotentUnderADuplicateRun() {
		RedisLockManager locks = manager(first, LockManagerSettings.defaults());
		LockTarget target = LockTarget.exclusive(KEYS, this.name, "replayer");
		byte[] token = LockTarget.bytes("replayed-token");
		long fence = locks.attempt(target, token, 10_000, 0);
		String counter = first.get(lockKey(this.name) + ":fence");
		assertThat(fence).isPositive();
		assertThat(locks.attempt(target, token, 10_000, 0)).as("same token while held").isEqualTo(fence);
		assertThat(first.get(lockKey(this.name) + ":fence")).as("no second token issued").isEqualTo(counter);
		assertThat(locks.attempt(target, LockTarget.bytes("someone-else"), 10_000, 0)).isNegative();

		byte[][] args = { token, target.channelBytes, ScriptExecutor.arg(3_600_000) };
		assertThat(release(target, args)).isEqualTo(1L);
		assertThat(release(target, args)).as("second release is harmless").isZero();
		LockHandle next = locks.tryLock(this.name, Duration.ZERO, Duration.ofSeconds(10)).orElseThrow();
		assertThat(release(target, args)).as("a replayed release never frees the next holder").isZero();
		assertThat(next.isHeld()).isTrue();
		assertThat(first.exists(lockKey(this.name))).isTrue();
		assertThat(next.unlock()).isTrue();
		assertThat(next.unlock()).isFalse();
	}

	@Test
	void readWriteLockAllowsManyReadersOrOneWriter() {
		RedisLockManager a = manager(first, LockManagerSettings.defaults());
		RedisLockManager b = manager(second, LockManagerSettings.defaults());
		LockRequest now = waitFor(Duration.ZERO, Duration.ofSeconds(30));
		LockHandle reader1 = a.readLock(this.name, now);
		LockHandle reader2 = b.readLock(this.name, now);
		assertThat(reader2.fencingToken()).isGreaterThan(reader1.fencingToken());
		assertThat(a.tryWriteLock(this.name, now)).as("writer while readers hold").isEmpty();
		reader1.unlock();
		assertThat(b.tryWriteLock(this.name, now)).as("writer while one reader holds").isEmpty();
		reader2.unlock();
		LockHandle writer = b.writeLock(this.name, now);
		assertThat(writer.fencingToken()).isGreaterThan(reader2.fencingToken());
		assertThat(a.tryReadLock(this.name, now)).as("reader while the writer holds").isEmpty();
		assertThat(a.tryWriteLock(this.name, now)).as("second writer").isEmpty();
		assertThat(writer.unlock()).isTrue();
		assertThat(a.tryReadLock(this.name, now)).isPresent();
	}

	@Test
	void aWaitingWriterIsServedBeforeNewReadersAndWokenByTheLastReader() throws Exception {
		RedisLockManager a = manager(first, LockManagerSettings.defaults().withPollInterval(Duration.ofSeconds(5)));
		RedisLockManager b = manager(second, LockManagerSettings.defaults().withPollInterval(Duration.ofSeconds(5)));
		LockRequest now = waitFor(Duration.ZERO, Duration.ofSeconds(30));
		LockHandle reader = a.readLock(this.name, now);
		Future<LockHandle> writer = this.pool.submit(() -> b.writeLock(this.name, waitFor(LONG_WAIT, Duration.ofSeconds(30))));
		String base = KEYS.slotGroup("rwlock", this.name).key();
		Eventually.await("writer waiting", Duration.ofSeconds(10), () -> first.exists(base + ":intent"));
		assertThat(a.tryReadLock(this.name, now)).as("new reader behind a waiting writer").isEmpty();
		long released = System.nanoTime();
		reader.unlock();
		LockHandle write = writer.get(10, TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - released)).as("woken by the release, not the 5 s poll")
			.isLessThan(Duration.ofMillis(2500));
		assertThat(write.isHeld()).isTrue();
		assertThat(first.exists(base + ":intent")).isFalse();
	}

	@Test
	void aWriterInterruptedWhileWaitingLeavesNoIntentThatRefusesReaders() throws Exception {
		// a long poll interval keeps a writer's intent alive for 2 x 10 s + the command timeout
		LockManagerSettings settings = LockManagerSettings.defaults().withPollInterval(Duration.ofSeconds(10));
		RedisLockManager a = manager(first, settings);
		RedisLockManager b = manager(second, settings);
		LockRequest now = waitFor(Duration.ZERO, Duration.ofSeconds(30));
		LockHandle reader = a.readLock(this.name, now);
		CompletableFuture<Throwable> outcome = new CompletableFuture<>();
		Thread writer = new Thread(() -> {
			try {
				b.writeLock(this.name, waitFor(LONG_WAIT, Duration.ofSeconds(30))).unlock();
				outcome.complete(null);
			}
			catch (Throwable ex) {
				outcome.complete(ex);
			}
		});
		writer.start();
		String intent = KEYS.slotGroup("rwlock", this.name).key() + ":intent";
		Eventually.await("writer waiting", Duration.ofSeconds(10), () -> first.exists(intent));
		writer.interrupt();
		assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(LockNotAcquiredException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INTERRUPTED));
		assertThat(reader.unlock()).isTrue();
		// sent on the connection that carried the writer's clean-up, so it runs after it
		assertThat(b.tryReadLock(this.name, now)).as("reader on a free lock").isPresent();
		assertThat(first.exists(intent)).isFalse();
	}

	@Test
	void aWriterGivingUpWhileAnotherWriterHoldsLeavesNoIntentThatRefusesReaders() {
		RedisLockManager a = manager(first, LockManagerSettings.defaults());
		RedisLockManager b = manager(second, LockManagerSettings.defaults());
		LockRequest now = waitFor(Duration.ZERO, Duration.ofSeconds(30));
		LockTarget write = LockTarget.readWrite(KEYS, this.name, true);
		byte[] waiting = LockTarget.bytes("waiting-writer");
		String intent = KEYS.slotGroup("rwlock", this.name).key() + ":intent";
		LockHandle reader = a.readLock(this.name, now);
		assertThat(a.attempt(write, waiting, 30_000, 60_000)).as("writer queued behind the reader").isNegative();
		assertThat(first.get(intent)).isEqualTo("waiting-writer");
		// the reader leaves and another writer gets in before the waiting one tries again
		assertThat(reader.unlock()).isTrue();
		LockHandle other = b.tryWriteLock(this.name, now).orElseThrow();
		assertThat(a.attempt(write, waiting, 30_000, -1)).as("the waiting writer gives up").isNegative();
		assertThat(first.exists(intent)).isFalse();
		assertThat(other.unlock()).isTrue();
		assertThat(a.tryReadLock(this.name, now)).as("reader on a free lock").isPresent();
	}

	/** Replica-confirmed acquisitions run on Lettuce connections of their own (native mode only). */
	static void assumeConfirmationsAvailable() {
		assumeTrue(first.connector.isNative(), "replica acknowledgement needs Lettuce");
	}

	@Test
	void confirmedAcquisitionsFailTheStartInPortableMode() {
		assumeTrue(!first.connector.isNative(), "portable mode only");
		assertThatThrownBy(() -> manager(first, LockManagerSettings.defaults().withReplicaAcks(1, Duration.ofMillis(50))))
			.isInstanceOf(RedisPatternsConfigurationException.class)
			.hasMessageContaining("need Lettuce");
	}

	@Test
	void aConfirmedAcquisitionQueuedBehindAnothersWaitLeavesNoOrphanedLock() throws Exception {
		assumeConfirmationsAvailable();
		// no set-up here has two replicas: every WAIT 2 runs for its whole timeout, longer than the
		// command timeout (2 s), so an attempt pipelined behind it would time out before Redis ran it
		RedisLockManager locks = manager(first, LockManagerSettings.defaults().withReplicaAcks(2, Duration.ofSeconds(5)));
		String other = nameOnTheSameMaster(this.name);
		long blocked = blockedClients();
		Future<Reason> one = this.pool.submit(() -> refusal(() -> locks.lock(this.name, Duration.ZERO, Duration.ofSeconds(60))));
		Eventually.await("first acquisition waits for replicas", Duration.ofSeconds(10), () -> blockedClients() > blocked);
		Future<Reason> two = this.pool.submit(() -> refusal(() -> locks.lock(other, Duration.ZERO, Duration.ofSeconds(60))));
		Reason firstReason = one.get(30, TimeUnit.SECONDS);
		Reason secondReason = two.get(30, TimeUnit.SECONDS);
		// once no WAIT blocks any more, every attempt sent has run; the refusals' clean-up is asynchronous (and
		// may be retried after NOSCRIPT). Leases are 60 s: a grant that outlived its refusal stays far longer.
		Eventually.await("every WAIT answered", Duration.ofSeconds(60), () -> blockedClients() <= blocked);
		Eventually.await("no lock left to a token without a handle", Duration.ofSeconds(10),
				() -> !first.exists(lockKey(this.name)) && !first.exists(lockKey(other)));
		assertThat(List.of(firstReason, secondReason))
			.as("both refused for their replicas, neither for a reply stuck behind another WAIT")
			.containsExactly(Reason.REPLICAS, Reason.REPLICAS);
	}

	@Test
	void aConfirmedAttemptWhoseReplyTimedOutIsReleasedOnceRedisRunsIt() {
		assumeConfirmationsAvailable();
		RedisLockManager locks = manager(first, LockManagerSettings.defaults().withReplicaAcks(1, Duration.ofMillis(200)));
		// a first acquisition on the same master opens the confirming connection and loads the script there
		refusal(() -> locks.lock(nameOnTheSameMaster(this.name), Duration.ZERO, Duration.ofSeconds(60)));
		// writes (scripts too) wait 3 s in Redis, longer than the command timeout (2 s): the reply is lost,
		// and the attempt still runs once the pause ends
		redis.onEveryMaster("CLIENT", "PAUSE", "3000", "WRITE");
		try {
			assertThatThrownBy(() -> locks.lock(this.name, Duration.ZERO, Duration.ofSeconds(60)))
				.isInstanceOfSatisfying(LockNotAcquiredException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(Reason.UNAVAILABLE));
		}
		finally {
			redis.onEveryMaster("CLIENT", "UNPAUSE");
		}
		// the release sent behind the attempt runs after it: nothing is left for the 60 s lease
		Eventually.await("no lock left to a token without a handle", Duration.ofSeconds(10),
				() -> !first.exists(lockKey(this.name)));
	}

	private static Reason refusal(java.util.function.Supplier<LockHandle> acquisition) {
		try {
			acquisition.get().unlock();
			return null;
		}
		catch (LockNotAcquiredException ex) {
			return ex.reason();
		}
	}

	/** Clients blocked in Redis (by WAIT here) on every master. */
	static long blockedClients() {
		long total = 0;
		for (Object info : redis.onEveryMaster("INFO", "clients")) {
			for (String line : info.toString().split("\r?\n")) {
				if (line.startsWith("blocked_clients:")) {
					total += Long.parseLong(line.substring("blocked_clients:".length()).trim());
				}
			}
		}
		return total;
	}

	/** Another lock name whose keys live on the same master as {@code name}'s (any name off a cluster). */
	static String nameOnTheSameMaster(String name) {
		if (redis.topology() != dev.redispatterns.test.RedisDeployment.Topology.CLUSTER) {
			return name + ":other";
		}
		int port = masterPortOf(ClusterSlotHashUtil.calculateSlot(lockKey(name)));
		for (int i = 0;; i++) {
			String candidate = name + ":" + i;
			if (masterPortOf(ClusterSlotHashUtil.calculateSlot(lockKey(candidate))) == port) {
				return candidate;
			}
		}
	}

	private static int masterPortOf(int slot) {
		for (Object range : (List<?>) redis.command("CLUSTER", "SLOTS")) {
			List<?> entry = (List<?>) range;
			if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)) {
				return ((Long) ((List<?>) entry.get(2)).get(1)).intValue();
			}
		}
		throw new IllegalStateException("no master serves slot " + slot);
	}

	@Test
	void semaphoreHandsOutAtMostItsPermits() throws Exception {
		RedisLockManager[] locks = { manager(first, LockManagerSettings.defaults()), manager(second, LockManagerSettings.defaults()) };
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			RedisLockManager manager = locks[t % 2];
			futures.add(this.pool.submit(() -> {
				for (int i = 0; i < 8; i++) {
					try (LockHandle permit = manager.acquirePermit(this.name, 3, waitFor(LONG_WAIT, Duration.ofSeconds(30)))) {
						most.accumulateAndGet(inside.incrementAndGet(), Math::max);
						Thread.sleep(2);
						inside.decrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get(2, TimeUnit.MINUTES);
		}
		assertThat(most.get()).isBetween(1, 3);
		LockRequest now = waitFor(Duration.ZERO, Duration.ofSeconds(30));
		List<LockHandle> held = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			held.add(locks[i % 2].acquirePermit(this.name, 3, now));
		}
		assertThat(locks[0].tryAcquirePermit(this.name, 3, now)).as("fourth permit").isEmpty();
		held.get(0).unlock();
		assertThat(locks[1].tryAcquirePermit(this.name, 3, now)).isPresent();
	}

	@Test
	void anExpiredPermitIsFreeAgain() {
		RedisLockManager a = manager(first, LockManagerSettings.defaults());
		RedisLockManager b = manager(second, LockManagerSettings.defaults());
		LockHandle stale = a.acquirePermit(this.name, 1, waitFor(Duration.ZERO, Duration.ofMillis(300)));
		LockHandle next = b.acquirePermit(this.name, 1, waitFor(Duration.ofSeconds(10), Duration.ofSeconds(30)));
		assertThat(stale.isHeld()).isFalse();
		assertThat(next.fencingToken()).isGreaterThan(stale.fencingToken());
		assertThat(stale.unlock()).as("expired permit").isFalse();
		assertThat(a.tryAcquirePermit(this.name, 1, waitFor(Duration.ZERO, Duration.ofSeconds(1)))).isEmpty();
	}

	private Long release(LockTarget target, byte[][] args) {
		return first.scripts.call(target.release, ReturnType.INTEGER, target.releaseKeys, args);
	}

	static String lockKey(String name) {
		return KEYS.slotGroup("lock", name).key();
	}

	/**
	 * Runs a step and counts the commands it made the masters run. Every step counted runs at least one script;
	 * a reading that saw none was taken while a failover moved a master (a loaded machine makes Sentinel or the
	 * cluster fail over now and then) and the clients' commands went to a node that was not read. The step then
	 * runs again once the deployment has settled, a bounded number of times.
	 */
	private Counted count(Runnable step) {
		while (true) {
			CommandCounts before = CommandCounts.read();
			step.run();
			Counted counted = new Counted(before, CommandCounts.read());
			if (counted.of("evalsha") > 0) {
				return counted;
			}
			this.missedMeasurements++;
			assertThat(this.missedMeasurements).as("measurements that counted none of the step's scripts")
				.isLessThanOrEqualTo(MISSED_MEASUREMENTS);
			redis.awaitHealthy(Duration.ofSeconds(30));
		}
	}

	/** What the masters ran between two readings. */
	record Counted(CommandCounts before, CommandCounts after) {

		/** Commands of tests, Lettuce, Sentinel and the cluster looking around, and the tests' polling. */
		private static final Pattern NOT_DATA = Pattern
			.compile("info|cluster|client|ping|command|hello|readonly|publish|subscribe|role|zcard");

		long of(String command) {
			return this.after.calls(command) - this.before.calls(command);
		}

		/** Commands of the lock scripts (sub-commands such as {@code client|setinfo} go with their command). */
		long data() {
			long total = 0;
			for (String command : this.after.commands()) {
				if (!NOT_DATA.matcher(command.split("\\|")[0]).matches()) {
					total += of(command);
				}
			}
			return total;
		}

	}

	/** The commands the masters ran so far ({@code INFO commandstats}), summed over the masters. */
	static final class CommandCounts {

		private final Map<String, Long> calls = new HashMap<>();

		static CommandCounts read() {
			CommandCounts counts = new CommandCounts();
			for (Object info : redis.onEveryMaster("INFO", "commandstats")) {
				for (String line : info.toString().split("\r?\n")) {
					if (line.startsWith("cmdstat_")) {
						String command = line.substring("cmdstat_".length(), line.indexOf(':'));
						String calls = line.substring(line.indexOf("calls=") + "calls=".length());
						counts.calls.merge(command, Long.parseLong(calls.substring(0, calls.indexOf(','))), Long::sum);
					}
				}
			}
			return counts;
		}

		long calls(String command) {
			return this.calls.getOrDefault(command, 0L);
		}

		Set<String> commands() {
			return this.calls.keySet();
		}

	}

	/** One application instance: its own connection factory, command connection and pub/sub connection. */
	static final class Instance {

		final RedisConnectionFactory factory;

		final RedisConnector connector;

		final ScriptExecutor scripts;

		final RedisSignals signals;

		Instance(RedisDeployment redis) {
			this.factory = RedisConnectionFactories.of(redis);
			this.connector = new RedisConnector(this.factory, Duration.ofSeconds(2));
			this.scripts = new ScriptExecutor(this.connector);
			this.signals = new RedisSignals(this.connector, Duration.ofSeconds(30));
		}

		boolean exists(String key) {
			return Boolean.TRUE.equals(this.connector.execute((connection) -> connection.keyCommands().exists(bytes(key))));
		}

		String get(String key) {
			byte[] value = this.connector.await(this.connector.commands().get(bytes(key)));
			return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
		}

		long pttl(String key) {
			return this.connector.await(this.connector.commands().pttl(bytes(key)));
		}

		long zcard(String key) {
			return this.connector.await(this.connector.commands().zcard(bytes(key)));
		}

		/** Any keyed command, routed to the node that owns its first key. */
		Object command(String command, String... args) {
			byte[][] encoded = new byte[args.length][];
			for (int i = 0; i < args.length; i++) {
				encoded[i] = bytes(args[i]);
			}
			return switch (command) {
				case "SET" -> this.connector.execute((connection) -> connection.stringCommands().set(encoded[0], encoded[1]));
				case "DEL" -> this.connector.await(this.connector.commands().del(encoded));
				default -> throw new IllegalArgumentException(command);
			};
		}

		void close() {
			this.signals.destroy();
			this.connector.destroy();
			RedisConnectionFactories.destroy(this.factory);
		}

		static byte[] bytes(String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}

	}

	// cluster only

	@Test
	@EnabledOnTopology(Topology.CLUSTER)
	void replicaConfirmationsAreAskedOfTheMasterOwningEachLock() {
		assumeConfirmationsAvailable();
		// the test cluster has no replicas: every master answers WAIT with 0, none with a MOVED redirect
		RedisLockManager locks = manager(first, LockManagerSettings.defaults().withReplicaAcks(1, Duration.ofMillis(50)));
		for (int i = 0; i < 12; i++) {
			String name = this.name + ":" + i;
			assertThatThrownBy(() -> locks.lock(name, Duration.ZERO, Duration.ofSeconds(30)))
				.isInstanceOfSatisfying(LockNotAcquiredException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(Reason.REPLICAS));
			Eventually.await("unconfirmed lock released", Duration.ofSeconds(5), () -> !first.exists(lockKey(name)));
		}
	}

	// sentinel only: acquisitions confirmed by a replica ({@code WAIT})

	@Test
	@EnabledOnTopology(Topology.SENTINEL)
	void confirmedAcquisitionsAreOnTheReplicaWhenTheyAreGranted(RedisSentinelProcesses sentinel) throws Exception {
		assumeConfirmationsAvailable();
		LockManagerSettings confirmed = LockManagerSettings.defaults().withReplicaAcks(1, Duration.ofSeconds(2));
		RedisLockManager a = manager(first, confirmed);
		RedisLockManager b = manager(second, confirmed);
		RedisLockHandle held = (RedisLockHandle) a.lock(this.name, Duration.ZERO, Duration.ofSeconds(30));
		assertThat(replicaValue(sentinel, lockKey(this.name))).startsWith(held.token + "|" + held.fencingToken());
		assertThat(replicaValue(sentinel, lockKey(this.name) + ":fence")).isEqualTo(Long.toString(held.fencingToken()));

		Future<LockHandle> waiting = java.util.concurrent.Executors.newSingleThreadExecutor()
			.submit(() -> b.lock(this.name, LONG_WAIT, Duration.ofSeconds(30)));
		Eventually.await("waiter queued", Duration.ofSeconds(10), () -> first.zcard(lockKey(this.name) + ":queue") == 1);
		held.unlock();
		RedisLockHandle handed = (RedisLockHandle) waiting.get(10, TimeUnit.SECONDS);
		assertThat(replicaValue(sentinel, lockKey(this.name))).as("hand-over confirmed too")
			.startsWith(handed.token + "|");
		assertThat(handed.unlock()).isTrue();
	}

	@Test
	@EnabledOnTopology(Topology.SENTINEL)
	void tooFewReplicasFailClosedAndTheLockIsReleasedAgain() {
		assumeConfirmationsAvailable();
		RedisLockManager locks = manager(first,
				LockManagerSettings.defaults().withReplicaAcks(2, Duration.ofMillis(200)));
		assertThatThrownBy(() -> locks.lock(this.name, Duration.ZERO, Duration.ofSeconds(30)))
			.isInstanceOfSatisfying(LockNotAcquiredException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.REPLICAS));
		Eventually.await("unconfirmed lock released", Duration.ofSeconds(5), () -> !first.exists(lockKey(this.name)));
	}

	private static String replicaValue(RedisSentinelProcesses sentinel, String key) {
		Object value = sentinel.initialReplica().command("GET", key);
		return (value != null) ? value.toString() : "";
	}

}
