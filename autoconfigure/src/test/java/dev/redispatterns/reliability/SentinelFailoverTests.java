package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.context.ConfigurableApplicationContext;

import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.SentinelFailoverFollower;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisSentinelProcesses;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;
import dev.redispatterns.test.RespClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sentinel failovers under continuous load: one application using every pattern (the
 * {@link FaultInjectionTests} loads) while the master is failed over with {@code SENTINEL FAILOVER}, then
 * killed ({@code kill -9}) so the sentinels promote the replica. For each pattern the run measures when
 * operations failed and when they worked again, checks the documented behaviour throughout, and checks
 * that the application's connections all reach the new master (the starter follows {@code +switch-master};
 * without that the application kept writing to the demoted master until Sentinel disconnected it). Writes
 * the Sentinel section of {@code target/reliability/failover.md}.
 */
@RedisTest(topology = Topology.SENTINEL, process = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelFailoverTests {

	static final String CLIENT_NAME = "failover-app";

	private final FailoverReport.Table table = new FailoverReport.Table();

	private RedisSentinelProcesses sentinel;

	private ConfigurableApplicationContext context;

	private int runs;

	@BeforeAll
	void start(RedisSentinelProcesses sentinel) {
		this.sentinel = sentinel;
		String[] properties = Arrays.copyOf(sentinel.springProperties(), sentinel.springProperties().length + 1);
		properties[properties.length - 1] = "spring.data.redis.client-name=" + CLIENT_NAME;
		this.context = ReliabilityApplication.start(properties);
		SentinelFailoverFollower follower = this.context.getBean(SentinelFailoverFollower.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!follower.isSubscribedToAll()) {
			assertThat(System.nanoTime() - deadline).as("subscribed to every sentinel").isNegative();
			PatternLoad.sleep(20);
		}
	}

	@AfterAll
	void stop() {
		try {
			FailoverReport.write(1, this.table.markdown("Redis Sentinel", settings()));
		}
		finally {
			if (this.context != null) {
				this.context.close();
			}
		}
	}

	private static String settings() {
		return "One master, one replica, three sentinels (quorum 2, `down-after-milliseconds 1000`, "
				+ "`failover-timeout 5000`); the application as in the fault suite ("
				+ "`redis.patterns.command-timeout=" + ReliabilityApplication.COMMAND_TIMEOUT.toMillis()
				+ "ms`, `spring.data.redis.timeout=" + ReliabilityApplication.REDIS_TIMEOUT.toMillis()
				+ "ms`, `redis.patterns.reconnect-max-delay=2s`, `redis.patterns.sentinel.follow-failover=true`). "
				+ "Times are measured from the moment the failover was started; the loads run until every sentinel "
				+ "names the new master and every connection of the application is on it, then 2 s longer.";
	}

	@Test
	@Order(1)
	void sentinelFailoverCommand() throws Exception {
		this.sentinel.awaitHealthy(Duration.ofSeconds(40));
		RedisServerProcess sentinelNode = this.sentinel.sentinels().get(0);
		run("SENTINEL FAILOVER", "`SENTINEL FAILOVER mymaster` on one sentinel: the replica is promoted, the old "
				+ "master stays up and is demoted later", () -> sentinelNode.command("SENTINEL", "FAILOVER",
						RedisSentinelProcesses.MASTER_NAME));
	}

	@Test
	@Order(2)
	void masterKilled() throws Exception {
		this.sentinel.awaitHealthy(Duration.ofSeconds(40));
		RedisServerProcess master = this.sentinel.currentMaster();
		run("master killed", "`kill -9` of the master; the sentinels notice after 1 s and promote the replica",
				master::kill);
	}

	private void run(String scenario, String how, Runnable inject) throws Exception {
		String run = "sentinel" + (++this.runs);
		RedisServerProcess oldMaster = this.sentinel.currentMaster();
		RedisServerProcess newMaster = this.sentinel.otherDataNode(oldMaster);
		PatternLoad.Stream stream = new PatternLoad.Stream(this.context, ReliabilityApplication.COMMAND_TIMEOUT, run);
		List<PatternLoad> loads = List.of(new PatternLoad.Cache(this.context, ReliabilityApplication.COMMAND_TIMEOUT),
				new PatternLoad.RateLimit(this.context, ReliabilityApplication.COMMAND_TIMEOUT),
				new PatternLoad.Lock(this.context, ReliabilityApplication.COMMAND_TIMEOUT).duringFailover(), stream,
				new PatternLoad.Sessions(this.context, ReliabilityApplication.REDIS_TIMEOUT));
		FailoverRun failover = new FailoverRun(scenario, loads);
		AtomicInteger connectionsBefore = new AtomicInteger();
		AtomicLong switched = new AtomicLong();
		AtomicLong moved = new AtomicLong();
		failover.run(() -> {
			awaitReplicated(oldMaster);
			connectionsBefore.set(applicationConnections(oldMaster));
		}, inject, () -> {
			if (switched.get() == 0 && this.sentinel.everySentinelNames(newMaster)) {
				switched.set(System.nanoTime());
			}
			if (moved.get() == 0 && applicationConnections(newMaster) >= connectionsBefore.get()
					&& (!oldMaster.isRunning() || applicationConnections(oldMaster) == 0)) {
				moved.set(System.nanoTime());
			}
			return switched.get() != 0 && moved.get() != 0;
		});
		this.table.scenario(scenario, how);
		failover.report(this.table);
		List<String> missing = missingFromStream(newMaster, stream.confirmedIds());
		this.table.note(scenario + ": every sentinel named the new master after "
				+ Observations.seconds(Duration.ofNanos(switched.get() - failover.started())) + "; all "
				+ connectionsBefore.get() + " connections of the application were on it after "
				+ Observations.seconds(Duration.ofNanos(moved.get() - failover.started())) + "; " + missing.size()
				+ " of " + stream.confirmedIds().size() + " stream entries whose publish was confirmed are not in the "
				+ "new master's stream.");
		failover.verify();
		assertThat(connectionsBefore.get()).as("application connections seen on the master").isPositive();
		// the starter follows +switch-master: without it the application stayed on a demoted master ~10 s
		assertThat(Duration.ofNanos(moved.get() - switched.get()))
			.as("application on the new master soon after the sentinels named it")
			.isLessThan(Duration.ofSeconds(5));
	}

	/** Connections of the application (by client name) open on {@code node}. */
	static int applicationConnections(RedisServerProcess node) {
		try {
			String clients = String.valueOf(node.command("CLIENT", "LIST"));
			return (int) clients.lines().filter((line) -> line.contains(" name=" + CLIENT_NAME + " ")).count();
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

	/** Waits until the master's writes so far reached the replica. */
	static void awaitReplicated(RedisServerProcess master) {
		try (RespClient client = new RespClient(master.host(), master.port(), 5000)) {
			client.command("SET", "failover-marker", Long.toString(System.nanoTime()));
			assertThat(client.command("WAIT", 1, 3000)).as("replica in sync before the failover").isEqualTo(1L);
		}
	}

	/** Confirmed entries absent from the stream on {@code master} (lost in the failover). */
	private List<String> missingFromStream(RedisServerProcess master, List<String> confirmed) {
		String key = new MessagingKeys(this.context.getBean(RedisKeys.class)).stream(StreamRecorder.STREAM);
		String entries = String.valueOf(master.command("XRANGE", key, "-", "+"));
		return confirmed.stream().filter((id) -> !entries.contains("\"" + id + "\"")).toList();
	}

}
