package dev.redispatterns.observability.internal;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("portable")
@RedisTest(process = true)
class RedisPatternsHealthIndicatorTests {

	private RedisConnectionFactory factory;

	private RedisConnector connector;

	private RedisConnector connect(RedisServerProcess redis) {
		// Jedis bounds each command by its read timeout, Lettuce here by the connector's shorter one
		this.factory = RedisConnectionFactories.of(redis, Duration.ofSeconds(1));
		this.connector = new RedisConnector(this.factory, Duration.ofMillis(500));
		return this.connector;
	}

	@AfterEach
	void close() {
		this.connector.destroy();
		RedisConnectionFactories.destroy(this.factory);
	}

	@Test
	void reportsLatencyVersionTopologyAndPolicy(RedisServerProcess redis) {
		redis.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
		Health health = new RedisPatternsHealthIndicator(connect(redis), true).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		Map<String, Object> details = health.getDetails();
		assertThat(details).containsEntry("topology", "standalone")
			.containsEntry("maxmemoryPolicy", "allkeys-lru")
			.containsKey("pingLatencyMillis")
			.doesNotContainKey("warning");
		assertThat((String) details.get("version")).matches("\\d+\\.\\d+\\.\\d+");
	}

	@Test
	void warnsWhenCachingMeetsNoEviction(RedisServerProcess redis) {
		redis.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
		RedisConnector connector = connect(redis);
		Health withCache = new RedisPatternsHealthIndicator(connector, true).health();
		assertThat(withCache.getStatus()).isEqualTo(Status.UP);
		assertThat(withCache.getDetails()).containsEntry("warning", RedisPatternsHealthIndicator.NOEVICTION_WARNING);
		Health withoutCache = new RedisPatternsHealthIndicator(connector, false).health();
		assertThat(withoutCache.getDetails()).doesNotContainKey("warning");
	}

	@Test
	void downWhenRedisDoesNotAnswer(RedisServerProcess redis) {
		RedisConnector connector = connect(redis);
		assertThat(connector.isConnected()).isTrue();
		redis.pause();
		try {
			long start = System.nanoTime();
			Health health = new RedisPatternsHealthIndicator(connector, true).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		}
		finally {
			redis.resume();
		}
	}

}
