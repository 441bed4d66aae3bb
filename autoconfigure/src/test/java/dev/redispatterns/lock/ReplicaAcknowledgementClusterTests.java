package dev.redispatterns.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acquisitions confirmed by a replica ({@code replica-acks}) run on a connection to the master of the lock's
 * slot, which does not follow redirects by itself: after the slot moved ({@code MOVED}) and while it moves
 * ({@code ASK}, then {@code TRYAGAIN} until the move is done) they still succeed, on the node that serves the
 * slot. The client here never refreshes its
 * topology on its own, so only the redirects can lead it there; the nodes' error and command statistics show
 * that each redirect really happened.
 */
@Tag("redis")
class ReplicaAcknowledgementClusterTests {

	private static final RedisKeys KEYS = new RedisKeys("rp");

	/** Also how long an acquisition waits out TRYAGAIN: ample for the test to finish the move meanwhile. */
	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private static RedisClusterProcesses cluster;

	private static LettuceConnectionFactory factory;

	private static RedisLockManager locks;

	private static RedisSignals signals;

	@BeforeAll
	static void start() {
		cluster = RedisClusterProcesses.start(3, 1);
		ClusterClientOptions options = ClusterClientOptions.builder()
			.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().build())
			.build();
		factory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.nodes()),
				LettuceClientConfiguration.builder().commandTimeout(COMMAND_TIMEOUT).clientOptions(options).build());
		factory.afterPropertiesSet();
		factory.start();
		RedisConnector connector = new RedisConnector(factory, COMMAND_TIMEOUT);
		signals = new RedisSignals(connector, Duration.ofSeconds(30));
		locks = new RedisLockManager(connector, new ScriptExecutor(connector), signals, KEYS,
				LockManagerSettings.defaults().withReplicaAcks(1, Duration.ofSeconds(2)), LockListener.NONE);
	}

	@AfterAll
	static void stop() {
		if (locks != null) {
			locks.destroy();
			signals.destroy();
			factory.destroy();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void acquisitionsFollowASlotThatMovedAndOneThatIsMoving() throws Exception {
		String name = "invoice-7";
		String key = KEYS.slotGroup("lock", name).key();
		long slot = (Long) cluster.masterProcesses().get(0).command("CLUSTER", "KEYSLOT", key);
		LockHandle first = locks.lock(name, Duration.ZERO, Duration.ofSeconds(30));
		long firstToken = first.fencingToken();
		assertThat(first.unlock()).isTrue();
		RedisServerProcess owner = owner(slot);
		List<RedisServerProcess> others = new ArrayList<>(cluster.masterProcesses());
		others.remove(owner);

		// MOVED: the slot, with the fencing counter, now lives on another master
		RedisServerProcess second = others.get(0);
		migrate(slot, owner, second);
		finish(slot, second);
		long moved = stat(owner, "errorstats", "errorstat_MOVED:count=");
		LockHandle afterMove = locks.lock(name, Duration.ZERO, Duration.ofSeconds(30));
		assertThat(stat(owner, "errorstats", "errorstat_MOVED:count=")).as("MOVED by the former owner")
			.isGreaterThan(moved);
		assertThat(afterMove.fencingToken()).isGreaterThan(firstToken);
		assertThat(second.command("EXISTS", key)).as("granted on the new owner").isEqualTo(1L);
		assertThat(afterMove.unlock()).isTrue();

		// ASK: the slot is half way to the third master, its keys already there; the script's keys that do
		// not exist yet make the importing node answer TRYAGAIN until the move is finished
		RedisServerProcess third = others.get(1);
		migrate(slot, second, third);
		long asks = stat(second, "errorstats", "errorstat_ASK:count=");
		long asking = stat(third, "commandstats", "cmdstat_asking:calls=");
		long tryAgains = stat(third, "errorstats", "errorstat_TRYAGAIN:count=");
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<LockHandle> acquiring = pool.submit(() -> locks.lock(name, Duration.ZERO, Duration.ofSeconds(30)));
			// the move is finished only once the acquisition was sent on by ASK and refused with TRYAGAIN
			Eventually.await("TRYAGAIN from the importing node", Duration.ofSeconds(30),
					() -> stat(third, "errorstats", "errorstat_TRYAGAIN:count=") > tryAgains);
			assertThat(stat(second, "errorstats", "errorstat_ASK:count=")).as("ASK by the migrating node")
				.isGreaterThan(asks);
			assertThat(stat(third, "commandstats", "cmdstat_asking:calls=")).as("ASKING sent to the importing node")
				.isGreaterThan(asking);
			assertThat(acquiring).as("still waiting out TRYAGAIN").isNotDone();
			finish(slot, third);
			LockHandle whileMoving = acquiring.get(30, TimeUnit.SECONDS);
			assertThat(whileMoving.fencingToken()).isGreaterThan(afterMove.fencingToken());
			assertThat(third.command("EXISTS", key)).as("granted on the new owner").isEqualTo(1L);
			assertThat(whileMoving.unlock()).isTrue();
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** A number from a node's {@code INFO <section>}: the value after {@code prefix}, 0 when the line is absent. */
	private static long stat(RedisServerProcess node, String section, String prefix) {
		for (String line : node.command("INFO", section).toString().split("\r?\n")) {
			if (line.startsWith(prefix)) {
				String rest = line.substring(prefix.length());
				int comma = rest.indexOf(',');
				return Long.parseLong(((comma >= 0) ? rest.substring(0, comma) : rest).trim());
			}
		}
		return 0;
	}

	private static RedisServerProcess owner(long slot) {
		for (RedisServerProcess master : cluster.masterProcesses()) {
			for (Object range : (List<?>) master.command("CLUSTER", "SLOTS")) {
				List<?> entry = (List<?>) range;
				List<?> node = (List<?>) entry.get(2);
				if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)) {
					return cluster.masterProcesses()
						.stream()
						.filter((candidate) -> candidate.port() == ((Long) node.get(1)).intValue())
						.findFirst()
						.orElseThrow();
				}
			}
		}
		throw new IllegalStateException("no owner of slot " + slot);
	}

	/** Marks the slot as moving and carries its keys over, leaving the move itself unfinished. */
	private static void migrate(long slot, RedisServerProcess source, RedisServerProcess target) {
		target.command("CLUSTER", "SETSLOT", slot, "IMPORTING", source.command("CLUSTER", "MYID"));
		source.command("CLUSTER", "SETSLOT", slot, "MIGRATING", target.command("CLUSTER", "MYID"));
		while (true) {
			List<?> batch = (List<?>) source.command("CLUSTER", "GETKEYSINSLOT", slot, 100);
			if (batch.isEmpty()) {
				return;
			}
			List<Object> migrate = new ArrayList<>(
					List.of("MIGRATE", target.host(), target.port(), "", 0, 5000, "REPLACE", "KEYS"));
			migrate.addAll(batch);
			source.command(migrate.toArray());
		}
	}

	/** Assigns the slot to its new owner on every master, as {@code redis-cli --cluster reshard} does. */
	private static void finish(long slot, RedisServerProcess target) {
		Object id = target.command("CLUSTER", "MYID");
		for (RedisServerProcess master : cluster.masterProcesses()) {
			master.command("CLUSTER", "SETSLOT", slot, "NODE", id);
		}
		cluster.awaitHealthy(Duration.ofSeconds(10));
	}

}
