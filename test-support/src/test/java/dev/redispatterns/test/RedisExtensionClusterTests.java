package dev.redispatterns.test;

import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisDeployment.Topology;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(topology = Topology.CLUSTER)
class RedisExtensionClusterTests {

	@Test
	void clusterIsHandedOutAndClean(RedisDeployment redis) {
		assertThat(redis.topology()).isEqualTo(Topology.CLUSTER);
		assertThat(redis.nodes()).hasSize(3);
		assertThat(redis.onEveryMaster("DBSIZE")).containsOnly(0L);
	}

}
