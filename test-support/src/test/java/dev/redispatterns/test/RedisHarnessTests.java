package dev.redispatterns.test;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("redis")
class RedisHarnessTests {

	@Test
	void standaloneServerStartsStopsAndRestartsOnTheSamePort() {
		try (RedisServerProcess server = RedisServerProcess.start()) {
			server.command("SET", "k", "v");
			assertThat(server.command("GET", "k")).isEqualTo("v");
			int port = server.port();
			server.stop();
			assertThat(server.isRunning()).isFalse();
			assertThatThrownBy(() -> server.command("PING")).isInstanceOf(RuntimeException.class);
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.command("PING")).isEqualTo("PONG");
			assertThat(server.command("GET", "k")).as("nothing is persisted").isNull();
		}
	}

	@Test
	void errorRepliesAreRaised() {
		try (RedisServerProcess server = RedisServerProcess.start()) {
			assertThatThrownBy(() -> server.command("NOSUCHCOMMAND")).isInstanceOf(RespClient.RedisErrorReply.class)
				.hasMessageContaining("unknown command");
		}
	}

	@Test
	void clusterOfThreeMastersWithReplicasCoversAllSlots() {
		try (RedisClusterProcesses cluster = RedisClusterProcesses.start(3, 1)) {
			assertThat(cluster.nodes()).hasSize(3);
			String info = cluster.command("CLUSTER", "INFO").toString();
			assertThat(info).contains("cluster_state:ok").contains("cluster_slots_assigned:16384")
				.contains("cluster_known_nodes:6");
			assertThat(cluster.currentMasters()).hasSize(3);
			assertThat(cluster.springProperties()[0]).startsWith("spring.data.redis.cluster.nodes=");
		}
	}

	@Test
	void sentinelSetUpReportsItsMaster() {
		try (RedisSentinelProcesses sentinel = RedisSentinelProcesses.start()) {
			assertThat(sentinel.currentMasterAddress()).isEqualTo("127.0.0.1:" + sentinel.initialMaster().port());
			sentinel.command("SET", "k", "v");
			assertThat(sentinel.sentinels()).hasSize(3);
			assertThat(List.of(sentinel.springProperties())).anyMatch((p) -> p.startsWith("spring.data.redis.sentinel.nodes="));
		}
	}

}
