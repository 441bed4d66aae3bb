package dev.redispatterns.lock;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.task.TaskDecorator;

import dev.redispatterns.autoconfigure.MdcTaskDecoratorConfiguration;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watchdog works on a lock in the context of the caller that acquired it, captured through the
 * application's {@link TaskDecorator}: its renewals, and the loss it finds, reach listeners and logs with
 * that caller's MDC (and so its trace), each lock with its own.
 */
@RedisTest
class WatchdogCallerContextTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	WatchdogCallerContextTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsLockAutoConfiguration.class))
			.withUserConfiguration(MdcTaskDecoratorConfiguration.class, Recorder.class)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("redis.patterns.lock.watchdog.lease=3s", "redis.patterns.lock.watchdog.interval=300ms");
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@AfterEach
	void clearMdc() {
		MDC.clear();
	}

	@Test
	void renewalsAndTheLossOfALockSeeTheMdcOfTheCallerThatAcquiredIt() {
		this.runner.run((context) -> {
			LockManager locks = context.getBean(LockManager.class);
			Recorder recorder = context.getBean(Recorder.class);
			MDC.put("request", "request-1");
			LockHandle first = locks.lock("report-1", new LockRequest(Duration.ZERO, null, "first"));
			MDC.put("request", "request-2");
			LockHandle second = locks.lock("report-2", new LockRequest(Duration.ZERO, null, "second"));
			MDC.clear();
			CompletableFuture<String> lostCallback = new CompletableFuture<>();
			first.onLost((handle) -> lostCallback.complete(String.valueOf(MDC.get("request"))));

			assertThat(recorder.renewed("first").get(10, TimeUnit.SECONDS)).isEqualTo("request-1");
			assertThat(recorder.renewed("second").get(10, TimeUnit.SECONDS)).isEqualTo("request-2");

			assertThat(this.redis.command("DEL", LockManagerContractTests.lockKey("report-1"))).isEqualTo(1L);
			assertThat(recorder.lost("first").get(10, TimeUnit.SECONDS)).as("lost, seen by a renewal")
				.isEqualTo("request-1");
			assertThat(lostCallback.get(10, TimeUnit.SECONDS)).as("the handle's lost callback")
				.isEqualTo("request-1");
			assertThat(first.isHeld()).isFalse();
			assertThat(second.unlock()).isTrue();
			assertThat(MDC.get("request")).as("nothing leaks into the test's thread").isNull();
		});
	}

	/** The MDC {@code request} each lock's first renewal and loss saw, by lock metric name. */
	static class Recorder implements LockListener {

		private final Map<String, CompletableFuture<String>> renewed = new ConcurrentHashMap<>();

		private final Map<String, CompletableFuture<String>> lost = new ConcurrentHashMap<>();

		CompletableFuture<String> renewed(String name) {
			return this.renewed.computeIfAbsent(name, (key) -> new CompletableFuture<>());
		}

		CompletableFuture<String> lost(String name) {
			return this.lost.computeIfAbsent(name, (key) -> new CompletableFuture<>());
		}

		@Override
		public void onRenewed(String name, LockType type) {
			renewed(name).complete(String.valueOf(MDC.get("request")));
		}

		@Override
		public void onLost(String name, LockType type) {
			lost(name).complete(String.valueOf(MDC.get("request")));
		}

	}

}
