package dev.redispatterns.core;

import java.util.List;

import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(topology = Topology.CLUSTER)
class ScriptExecutorClusterTests extends ScriptExecutorContractTests {

	@Test
	void slotGroupsSpreadOverTheMastersAndEachRunsOnItsOwner(RedisDeployment cluster) {
		RedisKeys keys = new RedisKeys("rp");
		for (int i = 0; i < 30; i++) {
			RedisKeys.SlotGroup group = keys.slotGroup("test", "spread-" + i);
			List<Long> reply = executor.call(INCR_BOTH, ScriptOutputType.MULTI,
					ScriptExecutor.keys(group.key("a"), group.key("b")), ScriptExecutor.arg(1));
			assertThat(reply).containsExactly(1L, 1L);
			assertThat(cluster.command("CLUSTER", "KEYSLOT", group.key("a")))
				.isEqualTo(cluster.command("CLUSTER", "KEYSLOT", group.key("b")));
		}
		assertThat(cluster.onEveryMaster("DBSIZE")).as("keys landed on every master")
			.allMatch((size) -> ((Long) size) > 0);
	}

}
