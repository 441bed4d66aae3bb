package dev.redispatterns.observability;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.observability.internal.RedisPatternsHealthIndicator;
import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;
import dev.redispatterns.test.TestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** A cluster master that stops answering makes the check DOWN promptly. Runs on a cluster of its own. */
@Tag("portable")
@RedisTest(topology = Topology.CLUSTER, process = true)
class RedisPatternsHealthIndicatorClusterOutageTests {

	@Test
	void downSoonWhenAMasterDoesNotAnswer(RedisClusterProcesses cluster) {
		// Jedis bounds each command by its read timeout, Lettuce by the connector's shorter one
		Duration clientTimeout = (TestClient.current() == TestClient.JEDIS) ? Duration.ofSeconds(1)
				: Duration.ofSeconds(10);
		RedisConnectionFactory factory = RedisConnectionFactories.of(cluster, clientTimeout);
		RedisConnector connector = new RedisConnector(factory, Duration.ofMillis(500));
		RedisPatternsHealthIndicator indicator = new RedisPatternsHealthIndicator(connector, false);
		RedisServerProcess master = cluster.currentMasters().get(1);
		try {
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			master.pause();
			long start = System.nanoTime();
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		}
		finally {
			master.resume();
			connector.destroy();
			RedisConnectionFactories.destroy(factory);
		}
	}

}
