package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.test.AfterTopology;
import dev.redispatterns.test.BeforeTopology;
import dev.redispatterns.test.EnabledOnTopology;
import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTopologies;
import dev.redispatterns.test.RespClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Script execution contract, run against every topology.
 */
@Tag("portable")
@RedisTopologies(process = Topology.STANDALONE)
class ScriptExecutorContractTests {

	static final LuaScript INCR_BOTH = LuaScript.load(ScriptExecutorContractTests.class, "incr_both.lua");

	static RedisConnectionFactory factory;

	static RedisConnector connector;

	static ScriptExecutor executor;

	static RedisDeployment redis;

	@BeforeTopology
	static void connect(RedisDeployment deployment) {
		redis = deployment;
		factory = RedisConnectionFactories.of(deployment);
		connector = new RedisConnector(factory, Duration.ofSeconds(2));
		executor = new ScriptExecutor(connector);
	}

	@AfterTopology
	static void disconnect() {
		connector.destroy();
		RedisConnectionFactories.destroy(factory);
	}

	private final RedisKeys keys = new RedisKeys("rp");

	@Test
	void scriptIsLoadedFromItsResourceWithTheDigestRedisUses() {
		assertThat(INCR_BOTH.source()).contains("INCRBY");
		Object digest = redis.command("SCRIPT", "LOAD", INCR_BOTH.source());
		assertThat(INCR_BOTH.sha1()).isEqualTo(digest);
	}

	@Test
	void multiKeyScriptRunsInOneSlotGroup() {
		RedisKeys.SlotGroup group = this.keys.slotGroup("test", "multi");
		List<Long> reply = executor.call(INCR_BOTH, ReturnType.MULTI,
				ScriptExecutor.keys(group.key("a"), group.key("b")), ScriptExecutor.arg(5));
		assertThat(reply).containsExactly(5L, 5L);
	}

	@Test
	void scriptRunsAgainAfterScriptFlush() {
		RedisKeys.SlotGroup group = this.keys.slotGroup("test", "flush");
		byte[][] scriptKeys = ScriptExecutor.keys(group.key("a"), group.key("b"));
		executor.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1));
		redis.onEveryMaster("SCRIPT", "FLUSH");
		assertThat(redis.onEveryMaster("SCRIPT", "EXISTS", INCR_BOTH.sha1())).allMatch((r) -> List.of(0L).equals(r));
		List<Long> reply = executor.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1));
		assertThat(reply).containsExactly(2L, 2L);
		assertThat(redis.onEveryMaster("SCRIPT", "EXISTS", INCR_BOTH.sha1())).as("reloaded on the owning node")
			.anyMatch((r) -> List.of(1L).equals(r));
	}

	@Test
	void asyncExecutionRecoversFromNoScriptToo() throws Exception {
		RedisKeys.SlotGroup group = this.keys.slotGroup("test", "async");
		redis.onEveryMaster("SCRIPT", "FLUSH");
		List<Long> reply = executor.<List<Long>>execute(INCR_BOTH, ReturnType.MULTI,
				ScriptExecutor.keys(group.key("a"), group.key("b")), ScriptExecutor.arg(3))
			.get(5, TimeUnit.SECONDS);
		assertThat(reply).containsExactly(3L, 3L);
	}

	@Test
	void scriptErrorsAreReportedAsCommandErrorsNotOutages() {
		LuaScript broken = LuaScript.of("broken.lua", "return redis.call('NOSUCHCOMMAND', KEYS[1])");
		byte[][] scriptKeys = ScriptExecutor.keys(this.keys.key("test", "broken"));
		assertThatThrownBy(() -> executor.call(broken, ReturnType.STATUS, scriptKeys))
			.isInstanceOf(RedisPatternsException.class)
			.isNotInstanceOf(RedisUnavailableException.class)
			.hasMessageContaining("Redis rejected the command");
		assertThatThrownBy(() -> executor.execute(broken, ReturnType.STATUS, scriptKeys).get())
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(RedisPatternsException.class)
			.isNotInstanceOf(RedisUnavailableException.class);
	}

	@Test
	void keysAndArgumentsAreUtf8() {
		assertThat(ScriptExecutor.keys("k\u00e9")[0]).isEqualTo("k\u00e9".getBytes(StandardCharsets.UTF_8));
		assertThat(ScriptExecutor.arg(-12L)).isEqualTo("-12".getBytes(StandardCharsets.US_ASCII));
	}

	// standalone only

	@Test
	@EnabledOnTopology(Topology.STANDALONE)
	void serverRestartLosesTheScriptCacheAndNothingBreaks(RedisServerProcess server) {
		RedisKeys.SlotGroup group = new RedisKeys("rp").slotGroup("test", "restart");
		byte[][] scriptKeys = ScriptExecutor.keys(group.key("a"), group.key("b"));
		executor.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1));
		server.restart();
		List<Long> reply = awaitReconnected(() -> executor.call(INCR_BOTH, ReturnType.MULTI, scriptKeys,
				ScriptExecutor.arg(1)));
		assertThat(reply).as("fresh server, nothing persisted").containsExactly(1L, 1L);
	}

	@Test
	@EnabledOnTopology(Topology.STANDALONE)
	void outageIsReportedAsUnavailableWithinTheTimeout(RedisServerProcess server) {
		RedisConnector shortTimeout = new RedisConnector(factory, Duration.ofMillis(300));
		ScriptExecutor quick = new ScriptExecutor(shortTimeout);
		byte[][] scriptKeys = ScriptExecutor.keys("rp:test:{outage}:a", "rp:test:{outage}:b");
		quick.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1));
		server.pause();
		try {
			long start = System.nanoTime();
			assertThatThrownBy(() -> quick.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1)))
				.isInstanceOf(RedisUnavailableException.class);
			// portable mode is bounded by the client's read timeout (5 s here), which Jedis can pay twice
			Duration bound = shortTimeout.isNative() ? Duration.ofSeconds(3) : Duration.ofSeconds(12);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
		}
		finally {
			server.resume();
		}
		server.stop();
		awaitDisconnected(shortTimeout);
		assertThat(shortTimeout.isConnected()).isFalse();
		assertThatThrownBy(shortTimeout::requireConnected).isInstanceOf(RedisUnavailableException.class);
		server.restart();
		awaitReconnected(() -> quick.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1)));
		assertThat(shortTimeout.isConnected()).isTrue();
	}

	private static void awaitDisconnected(RedisConnector connector) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (connector.isConnected() && System.nanoTime() < deadline) {
			sleep();
		}
	}

	static <T> T awaitReconnected(java.util.function.Supplier<T> call) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			try {
				return call.get();
			}
			catch (RedisUnavailableException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				sleep();
			}
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// sentinel only

	@Test
	@EnabledOnTopology(Topology.SENTINEL)
	void connectorReportsSentinelTopology() {
		assertThat(connector.topology()).isEqualTo(RedisTopology.SENTINEL);
		assertThat(connector.isConnected()).isTrue();
	}

	// cluster only

	@Test
	@EnabledOnTopology(Topology.CLUSTER)
	void slotGroupsSpreadOverTheMastersAndEachRunsOnItsOwner(RedisDeployment cluster) {
		RedisKeys keys = new RedisKeys("rp");
		for (int i = 0; i < 30; i++) {
			RedisKeys.SlotGroup group = keys.slotGroup("test", "spread-" + i);
			List<Long> reply = executor.call(INCR_BOTH, ReturnType.MULTI,
					ScriptExecutor.keys(group.key("a"), group.key("b")), ScriptExecutor.arg(1));
			assertThat(reply).containsExactly(1L, 1L);
			assertThat(cluster.command("CLUSTER", "KEYSLOT", group.key("a")))
				.isEqualTo(cluster.command("CLUSTER", "KEYSLOT", group.key("b")));
		}
		assertThat(cluster.onEveryMaster("DBSIZE")).as("keys landed on every master")
			.allMatch((size) -> ((Long) size) > 0);
	}

	@Test
	@EnabledOnTopology(Topology.CLUSTER)
	void aScriptSplitByASlotMigrationIsRetriedUntilTheMigrationEnds(RedisClusterProcesses cluster) throws Exception {
		try (Migration migration = Migration.split(cluster, "sync")) {
			migration.endAfter(Duration.ofMillis(300));
			long start = System.nanoTime();
			List<Long> reply = executor.call(INCR_BOTH, ReturnType.MULTI, migration.keys(), ScriptExecutor.arg(1));
			assertThat(reply).containsExactly(2L, 1L);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("retried while the slot was migrating")
				.isGreaterThanOrEqualTo(Duration.ofMillis(250));
		}
	}

	@Test
	@EnabledOnTopology(Topology.CLUSTER)
	void anAsynchronousScriptSplitByASlotMigrationIsRetriedUntilTheMigrationEnds(RedisClusterProcesses cluster)
			throws Exception {
		try (Migration migration = Migration.split(cluster, "async")) {
			migration.endAfter(Duration.ofMillis(300));
			long start = System.nanoTime();
			CompletableFuture<List<Long>> reply = executor.execute(INCR_BOTH, ReturnType.MULTI, migration.keys(),
					ScriptExecutor.arg(1));
			assertThat(reply.get(10, TimeUnit.SECONDS)).containsExactly(2L, 1L);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
		}
	}

	@Test
	@EnabledOnTopology(Topology.CLUSTER)
	void aMigrationOutlastingTheCommandTimeoutFailsAsUnavailableWithinIt(RedisClusterProcesses cluster) {
		try (Migration migration = Migration.split(cluster, "stuck")) {
			long start = System.nanoTime();
			assertThatThrownBy(() -> executor.call(INCR_BOTH, ReturnType.MULTI, migration.keys(),
					ScriptExecutor.arg(1)))
				.isInstanceOf(RedisUnavailableException.class)
				.hasMessageContaining("TRYAGAIN");
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(elapsed).as("retried for the command timeout (2 s), not longer")
				.isBetween(Duration.ofMillis(1900), Duration.ofSeconds(6));
			assertThatThrownBy(() -> executor
				.execute(INCR_BOTH, ReturnType.MULTI, migration.keys(), ScriptExecutor.arg(1))
				.get(10, TimeUnit.SECONDS)).cause()
				.isInstanceOf(RedisUnavailableException.class)
				.hasMessageContaining("TRYAGAIN");
		}
	}

	/**
	 * A slot group whose first key exists and whose second does not, in a slot marked as migrating to
	 * another master: Redis answers every script on both keys with {@code TRYAGAIN} until the migration
	 * ends (here: is cancelled, so the shared cluster stays as it was).
	 */
	private static final class Migration implements AutoCloseable {

		private final String first;

		private final String second;

		private final long slot;

		private final RedisServerProcess source;

		private final RedisServerProcess target;

		private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

		private Migration(String first, String second, long slot, RedisServerProcess source, RedisServerProcess target) {
			this.first = first;
			this.second = second;
			this.slot = slot;
			this.source = source;
			this.target = target;
		}

		static Migration split(RedisClusterProcesses cluster, String name) {
			RedisKeys.SlotGroup group = new RedisKeys("rp").slotGroup("test", "migrating-" + name);
			String first = group.key("a");
			String second = group.key("b");
			executor.call(INCR_BOTH, ReturnType.MULTI, ScriptExecutor.keys(first, second), ScriptExecutor.arg(1));
			cluster.command("DEL", second);
			long slot = (Long) cluster.command("CLUSTER", "KEYSLOT", first);
			RedisServerProcess source = cluster.currentMasters()
				.stream()
				.filter((master) -> owns(master, first))
				.findFirst()
				.orElseThrow();
			RedisServerProcess target = cluster.currentMasters()
				.stream()
				.filter((master) -> master != source)
				.findFirst()
				.orElseThrow();
			Migration migration = new Migration(first, second, slot, source, target);
			target.command("CLUSTER", "SETSLOT", slot, "IMPORTING", source.command("CLUSTER", "MYID"));
			source.command("CLUSTER", "SETSLOT", slot, "MIGRATING", target.command("CLUSTER", "MYID"));
			assertThatThrownBy(() -> source.command("EVAL", "return 1", 2, first, second))
				.hasMessageStartingWith("TRYAGAIN");
			return migration;
		}

		private static boolean owns(RedisServerProcess master, String key) {
			try {
				master.command("EXISTS", key);
				return true;
			}
			catch (RespClient.RedisErrorReply ex) {
				return false;
			}
		}

		byte[][] keys() {
			return ScriptExecutor.keys(this.first, this.second);
		}

		void endAfter(Duration delay) {
			this.timer.schedule(this::end, delay.toMillis(), TimeUnit.MILLISECONDS);
		}

		private synchronized void end() {
			this.source.command("CLUSTER", "SETSLOT", this.slot, "STABLE");
			this.target.command("CLUSTER", "SETSLOT", this.slot, "STABLE");
		}

		@Override
		public void close() {
			this.timer.shutdownNow();
			end();
		}

	}

}
