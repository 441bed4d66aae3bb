package dev.redispatterns.core;

import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(topology = Topology.SENTINEL)
class ScriptExecutorSentinelTests extends ScriptExecutorContractTests {

	@Test
	void connectorReportsSentinelTopology() {
		assertThat(connector.topology()).isEqualTo(RedisTopology.SENTINEL);
		assertThat(connector.isConnected()).isTrue();
	}

}
