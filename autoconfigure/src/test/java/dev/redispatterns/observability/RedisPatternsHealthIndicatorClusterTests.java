package dev.redispatterns.observability;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.observability.internal.RedisPatternsHealthIndicator;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("portable")
@RedisTest(topology = Topology.CLUSTER)
class RedisPatternsHealthIndicatorClusterTests {

	@Test
	void reportsClusterStateAndEveryMaster(RedisDeployment cluster) {
		RedisConnectionFactory factory = RedisConnectionFactories.of(cluster);
		RedisConnector connector = new RedisConnector(factory, Duration.ofSeconds(2));
		try {
			Health health = new RedisPatternsHealthIndicator(connector, true).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("topology", "cluster")
				.containsEntry("clusterState", "ok")
				.containsEntry("masters", 3)
				.containsEntry("maxmemoryPolicy", "noeviction")
				.containsKey("warning");
		}
		finally {
			connector.destroy();
			RedisConnectionFactories.destroy(factory);
		}
	}

}
