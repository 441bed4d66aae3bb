package dev.redispatterns.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the context closes the starter's own connections while Lettuce's client is still running: a
 * connection closed after the connection factory shut the client down makes Lettuce log
 * "Connection is already closed".
 */
@RedisTest
@ExtendWith(RecordedLogs.Extension.class)
class ConnectionShutdownTests {

	private final ApplicationContextRunner runner;

	ConnectionShutdownTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void signalConnectionIsClosedBeforeTheConnectionFactory(RecordedLogs logs) {
		this.runner.run((context) -> {
			RedisSignals signals = context.getBean(RedisSignals.class);
			CompletableFuture<byte[]> received = new CompletableFuture<>();
			try (RedisSignals.Subscription subscription = signals.subscribe("shutdown-test", received::complete)) {
				signals.publish("shutdown-test", new byte[] { 1 });
				assertThat(received.get(10, TimeUnit.SECONDS)).containsExactly(1);
			}
		});
		assertNoConnectionWarnings(logs);
	}

	@Test
	void cachesAndLocksCloseQuietly(RecordedLogs logs) {
		this.runner
			.withConfiguration(AutoConfigurations.of(RedisPatternsCacheAutoConfiguration.class,
					RedisPatternsLockAutoConfiguration.class))
			.withUserConfiguration(Caching.class)
			.withPropertyValues("redis.patterns.cache.near-cache.enabled=true")
			.run((context) -> {
				Cache cache = context.getBean(CacheManager.class).getCache("shutdown");
				cache.put("k", "v");
				assertThat(cache.get("k", String.class)).isEqualTo("v");
				try (LockHandle lock = context.getBean(LockManager.class).lock("shutdown", Duration.ofSeconds(5), null)) {
					assertThat(lock.fencingToken()).isPositive();
				}
			});
		assertNoConnectionWarnings(logs);
	}

	private static void assertNoConnectionWarnings(RecordedLogs logs) {
		assertThat(logs.lines()).noneMatch((line) -> line.contains("already closed"))
			.noneMatch((line) -> line.startsWith("WARN io.lettuce") || line.startsWith("ERROR io.lettuce"))
			.noneMatch((line) -> line.startsWith("WARN dev.redispatterns") || line.startsWith("ERROR dev.redispatterns"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Caching {

	}

}
