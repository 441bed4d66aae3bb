package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockNotAcquiredException.Reason;
import dev.redispatterns.lock.LockNotAcquiredException;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisSentinelProcesses;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The documented lock risk of asynchronous replication, shown on a Sentinel set-up, and the
 * {@code redis.patterns.lock.replica-acks} ({@code WAIT}) option that removes it, with its cost:
 * <ol>
 * <li>a lock granted on the master that the replica never received is lost when the replica is promoted: a
 * second application acquires it too, two holders at once; the fencing token still tells them apart and a
 * store that checks it refuses the stale holder's write;</li>
 * <li>with {@code replica-acks: 1} nothing is granted while the replica cannot confirm;</li>
 * <li>acquire + release latency with and without {@code WAIT} on a healthy set-up;</li>
 * <li>a lock granted with {@code replica-acks: 1} survives the same failover: the second application is
 * refused.</li>
 * </ol>
 * Writes the lock section of {@code target/reliability/failover.md}.
 */
@RedisTest(topology = Topology.SENTINEL, process = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LockFailoverTests {

	private static final String LOCK = "order-42";

	private static final LockRequest HOLD = new LockRequest(Duration.ofSeconds(2), Duration.ofSeconds(60), "failover");

	private static final int SAMPLES = 1000;

	private final List<String> rows = new ArrayList<>();

	private final List<String> costs = new ArrayList<>();

	private RedisSentinelProcesses sentinel;

	/** Two instances of an application with default locks, and one with {@code replica-acks: 1}. */
	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	private ConfigurableApplicationContext confirming;

	@BeforeAll
	void start(RedisSentinelProcesses sentinel) {
		this.sentinel = sentinel;
		this.first = ReliabilityApplication.start(sentinel.springProperties());
		this.second = ReliabilityApplication.start(sentinel.springProperties());
		String[] confirmed = Arrays.copyOf(sentinel.springProperties(), sentinel.springProperties().length + 2);
		confirmed[confirmed.length - 2] = "redis.patterns.lock.replica-acks=1";
		confirmed[confirmed.length - 1] = "redis.patterns.lock.replica-ack-timeout=500ms";
		this.confirming = ReliabilityApplication.start(confirmed);
	}

	@AfterAll
	void stop() {
		try {
			FailoverReport.write(3, markdown());
		}
		finally {
			for (ConfigurableApplicationContext context : List.of(this.first, this.second, this.confirming)) {
				if (context != null) {
					context.close();
				}
			}
		}
	}

	private String markdown() {
		StringBuilder out = new StringBuilder("#### Locks\n\n| step | what happened |\n| --- | --- |\n");
		this.rows.forEach((row) -> out.append(row).append('\n'));
		out.append("\nAcquire + release of an uncontended lock through Sentinel, ").append(SAMPLES)
			.append(" times each after a warm-up (one master, one replica, all on this machine):\n\n")
			.append("| lock acquisition | p50 | p99 | mean |\n| --- | --- | --- | --- |\n");
		this.costs.forEach((row) -> out.append(row).append('\n'));
		return out.toString();
	}

	@Test
	@Order(1)
	void aGrantTheReplicaNeverReceivedIsLostInAFailover() {
		RedisServerProcess master = this.sentinel.currentMaster();
		RedisServerProcess replica = this.sentinel.otherDataNode(master);
		String key = lockKey();
		// the replica misses the grant: frozen, and its replication link dropped, so nothing is in flight to it
		replica.pause();
		LockHandle stale;
		try {
			master.command("CLIENT", "KILL", "TYPE", "replica");
			stale = locks(this.first).lock(LOCK, HOLD);
			assertThat(master.command("EXISTS", key)).isEqualTo(1L);
			master.kill();
		}
		finally {
			replica.resume();
		}
		assertThat(replica.command("EXISTS", key)).as("the replica never received the grant").isEqualTo(0L);
		row("1. grant on the master", "application 1 acquires `" + LOCK + "` (fencing token " + stale.fencingToken()
				+ "); the replica (frozen, link dropped) does not receive it");
		long killed = System.nanoTime();
		awaitMaster(replica);
		row("2. `kill -9` of the master", "the sentinels promote the replica after "
				+ Observations.seconds(Duration.ofNanos(System.nanoTime() - killed)));

		awaitConnected(this.second);
		LockHandle fresh = locks(this.second).lock(LOCK, HOLD.withWaitTime(Duration.ofSeconds(15)));
		assertThat(stale.isHeld()).as("the first holder still believes it holds the lock").isTrue();
		assertThat(fresh.isHeld()).isTrue();
		assertThat(fresh.fencingToken()).as("fencing tokens keep rising across the failover")
			.isGreaterThan(stale.fencingToken());
		row("3. second acquisition", "application 2 acquires `" + LOCK + "` on the new master (fencing token "
				+ fresh.fencingToken() + "): **two holders at once**, both `isHeld()`");

		PatternLoad.FencedStore store = new PatternLoad.FencedStore();
		assertThat(store.write(fresh.fencingToken())).as("the new holder's write").isTrue();
		assertThat(store.write(stale.fencingToken())).as("the stale holder's write").isFalse();
		row("4. fenced writes", "a store that keeps the highest token it saw accepts application 2's write and "
				+ "refuses application 1's (token " + stale.fencingToken() + " < " + fresh.fencingToken() + ")");
		fresh.unlock();
		stale.unlock();
	}

	@Test
	@Order(2)
	void withReplicaAcknowledgementNothingIsGrantedWhileTheReplicaCannotConfirm() {
		this.sentinel.awaitHealthy(Duration.ofSeconds(40));
		RedisServerProcess master = this.sentinel.currentMaster();
		RedisServerProcess replica = this.sentinel.otherDataNode(master);
		String key = lockKey();
		awaitConnected(this.confirming);
		replica.pause();
		long start = System.nanoTime();
		try {
			assertThatThrownBy(() -> locks(this.confirming).lock(LOCK, LockRequest.immediate()))
				.isInstanceOfSatisfying(LockNotAcquiredException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(Reason.REPLICAS));
		}
		finally {
			replica.resume();
		}
		Duration refused = Duration.ofNanos(System.nanoTime() - start);
		assertThat(master.command("EXISTS", key)).as("the unconfirmed grant was released").isEqualTo(0L);
		row("5. `replica-acks: 1`, replica frozen", "application 3 is refused (`LockNotAcquiredException`, reason "
				+ "`REPLICAS`) after " + Observations.seconds(refused) + " (`replica-ack-timeout: 500ms`); the "
				+ "unconfirmed grant is released, nothing stays on the master");
	}

	@Test
	@Order(3)
	void costOfReplicaAcknowledgement() {
		this.sentinel.awaitHealthy(Duration.ofSeconds(40));
		awaitConnected(this.first);
		awaitConnected(this.confirming);
		this.costs.add(cost("`replica-acks: 0` (default)", locks(this.first)));
		this.costs.add(cost("`replica-acks: 1` (`WAIT 1`)", locks(this.confirming)));
	}

	@Test
	@Order(4)
	void aConfirmedGrantSurvivesTheFailover() {
		this.sentinel.awaitHealthy(Duration.ofSeconds(40));
		RedisServerProcess master = this.sentinel.currentMaster();
		RedisServerProcess replica = this.sentinel.otherDataNode(master);
		String key = lockKey();
		awaitConnected(this.confirming);
		LockHandle held = locks(this.confirming).lock(LOCK, HOLD);
		assertThat(replica.command("EXISTS", key)).as("confirmed: on the replica when granted").isEqualTo(1L);
		long killed = System.nanoTime();
		master.kill();
		awaitMaster(replica);
		Duration promoted = Duration.ofNanos(System.nanoTime() - killed);
		awaitConnected(this.second);
		long start = System.nanoTime();
		assertThatThrownBy(() -> locks(this.second).lock(LOCK, HOLD.withWaitTime(Duration.ofSeconds(2))))
			.isInstanceOfSatisfying(LockNotAcquiredException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.TIMEOUT));
		row("6. `replica-acks: 1`, `kill -9` of the master", "application 3's grant was on the replica when "
				+ "granted; after the promotion (" + Observations.seconds(promoted) + ") application 2 waits "
				+ Observations.seconds(Duration.ofNanos(System.nanoTime() - start)) + " and is refused "
				+ "(`TIMEOUT`): one holder only");
		awaitConnected(this.confirming);
		assertThat(held.unlock()).as("the confirmed holder still owns the lock").isTrue();
	}

	private String cost(String label, LockManager locks) {
		for (int i = 0; i < 200; i++) {
			locks.lock("cost", LockRequest.immediate()).unlock();
		}
		long[] nanos = new long[SAMPLES];
		for (int i = 0; i < SAMPLES; i++) {
			long start = System.nanoTime();
			LockHandle handle = locks.lock("cost", LockRequest.immediate());
			assertThat(handle.unlock()).isTrue();
			nanos[i] = System.nanoTime() - start;
		}
		Arrays.sort(nanos);
		double mean = Arrays.stream(nanos).average().orElse(0);
		return "| " + label + " | " + millis(nanos[SAMPLES / 2]) + " | " + millis(nanos[SAMPLES * 99 / 100]) + " | "
				+ millis((long) mean) + " |";
	}

	private static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.2f ms", nanos / 1_000_000.0);
	}

	/** Waits until the application reaches the current master again (its connection follows the failover). */
	private static void awaitConnected(ConfigurableApplicationContext context) {
		RateLimiter limiter = context.getBean(RateLimiter.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (limiter.tryAcquire("closed", "probe").outcome() != RateLimitOutcome.ALLOWED) {
			assertThat(System.nanoTime() - deadline).as("application reconnected within 20 s").isNegative();
			PatternLoad.sleep(50);
		}
	}

	private void row(String step, String what) {
		this.rows.add("| " + step + " | " + what + " |");
	}

	private static LockManager locks(ConfigurableApplicationContext context) {
		return context.getBean(LockManager.class);
	}

	private String lockKey() {
		return this.first.getBean(RedisKeys.class).slotGroup("lock", LOCK).key();
	}

	/** Waits until every sentinel names {@code node} as the master and it acts as one. */
	private void awaitMaster(RedisServerProcess node) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			if (this.sentinel.everySentinelNames(node)) {
				try {
					if (node.command("ROLE") instanceof List<?> role && "master".equals(role.get(0))) {
						return;
					}
				}
				catch (RuntimeException ex) {
					// not yet
				}
			}
			PatternLoad.sleep(50);
		}
		throw new IllegalStateException(node + " not promoted; master is " + this.sentinel.currentMasterAddress());
	}

}
