package dev.redispatterns.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.connection.ReturnType;
import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;
import dev.redispatterns.test.RespClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RedisTest(topology = Topology.CLUSTER)
class ScriptExecutorClusterTests extends ScriptExecutorContractTests {

	@Test
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
