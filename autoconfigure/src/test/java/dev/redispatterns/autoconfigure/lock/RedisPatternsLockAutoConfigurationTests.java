package dev.redispatterns.autoconfigure.lock;

import java.time.Duration;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.lock.DistributedLockAdvisor;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockListener;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.lock.LockPolicies;
import dev.redispatterns.lock.LockPolicy;
import dev.redispatterns.lock.LockManagerSettings;
import dev.redispatterns.lock.LockType;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.observability.LockMetrics;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

@RedisTest
class RedisPatternsLockAutoConfigurationTests {

	private final ApplicationContextRunner runner;

	RedisPatternsLockAutoConfigurationTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsLockAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void lockManagerAndAdvisorAreCreatedWithDefaults() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(LockManager.class)
				.hasSingleBean(DistributedLockAdvisor.class)
				.hasSingleBean(LockMetrics.class);
			LockManagerSettings settings = context.getBean(RedisLockManager.class).settings();
			assertThat(settings.watchdogLease()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.watchdogInterval()).isEqualTo(Duration.ofSeconds(10));
			assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(1));
			assertThat(settings.fencingCounterTtl()).isEqualTo(Duration.ofHours(1));
			assertThat(settings.replicaAcks()).isZero();
			assertThat(settings.interruptOnLoss()).isFalse();
			try (LockHandle handle = context.getBean(LockManager.class).lock("auto", Duration.ZERO, null)) {
				assertThat(handle.isHeld()).isTrue();
			}
		});
	}

	@Test
	void watchdogAndFencingSettingsComeFromProperties() {
		this.runner
			.withPropertyValues("redis.patterns.lock.watchdog.lease=9s", "redis.patterns.lock.watchdog.interval=2s",
					"redis.patterns.lock.watchdog.interrupt-holder=true", "redis.patterns.lock.poll-interval=300ms",
					"redis.patterns.lock.fencing-counter-ttl=2h", "redis.patterns.lock.replica-acks=1",
					"redis.patterns.lock.replica-ack-timeout=50ms")
			.run((context) -> {
				LockManagerSettings settings = context.getBean(RedisLockManager.class).settings();
				assertThat(settings).isEqualTo(new LockManagerSettings(Duration.ofSeconds(9), Duration.ofSeconds(2),
						Duration.ofMillis(300), Duration.ofHours(2), 1, Duration.ofMillis(50), true));
			});
		this.runner.withPropertyValues("redis.patterns.lock.watchdog.lease=9s")
			.run((context) -> assertThat(context.getBean(RedisLockManager.class).settings().watchdogInterval())
				.as("a third of the lease").isEqualTo(Duration.ofSeconds(3)));
	}

	@Test
	void fairnessComesFromPropertiesGloballyAndPerLock() {
		this.runner.run((context) -> assertThat(context.getBean(RedisLockManager.class).settings().fair())
			.as("fair by default").isTrue());
		this.runner.withPropertyValues("redis.patterns.lock.fair=false", "redis.patterns.lock.locks.audit.fair=true")
			.run((context) -> {
				assertThat(context.getBean(RedisLockManager.class).settings().fair()).isFalse();
				LockPolicies policies = RedisPatternsLockAutoConfiguration
					.policies(context.getBean(RedisPatternsLockProperties.class));
				assertThat(policies.policy("audit").fairness()).isEqualTo(LockRequest.Fairness.FAIR);
				assertThat(policies.policy("other").fairness()).isEqualTo(LockRequest.Fairness.DEFAULT);
			});
	}

	@Test
	void enabledFalseSwitchesLocksOff() {
		this.runner.withPropertyValues("redis.patterns.lock.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LockManager.class)
				.doesNotHaveBean(DistributedLockAdvisor.class)
				.doesNotHaveBean(LockMetrics.class));
	}

	@Test
	void backsOffWithoutTheStartersCore() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisPatternsLockAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LockManager.class));
		this.runner.withPropertyValues("redis.patterns.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LockManager.class));
	}

	@Test
	void applicationLockManagerReplacesTheStarters() {
		this.runner.withUserConfiguration(CustomLockManager.class).run((context) -> {
			assertThat(context).hasSingleBean(LockManager.class).doesNotHaveBean(RedisLockManager.class);
			assertThat(context).hasSingleBean(DistributedLockAdvisor.class);
		});
	}

	@Test
	void metricsAreRecordedInTheApplicationsMeterRegistry() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			LockManager locks = context.getBean(LockManager.class);
			locks.lock("metered", new LockRequest(Duration.ZERO, Duration.ofSeconds(5), "checkout")).unlock();
			locks.tryLock("metered", new LockRequest(Duration.ZERO, Duration.ofSeconds(5), "checkout"))
				.orElseThrow();
			Optional<LockHandle> busy = locks.tryLock("metered",
					new LockRequest(Duration.ZERO, Duration.ofSeconds(5), "checkout"));
			assertThat(busy).isEmpty();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(LockMetrics.ACQUISITIONS).tag("name", "checkout").tag("outcome", "acquired")
				.counter().count()).isEqualTo(2.0);
			assertThat(registry.get(LockMetrics.ACQUISITIONS).tag("name", "checkout").tag("outcome", "timeout")
				.counter().count()).isEqualTo(1.0);
			assertThat(registry.get(LockMetrics.WAIT).tag("name", "checkout").tag("outcome", "acquired").timer().count())
				.isEqualTo(2);
			assertThat(registry.get(LockMetrics.HELD).tag("name", "checkout").tag("type", "exclusive").timer().count())
				.isEqualTo(1);
		});
	}

	@Test
	void metricsBackOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(LockManager.class).doesNotHaveBean(LockMetrics.class));
	}

	@Test
	void applicationListenersReceiveLockEvents() {
		this.runner.withBean(CountingListener.class).run((context) -> {
			context.getBean(LockManager.class).lock("heard", Duration.ZERO, null).unlock();
			assertThat(context.getBean(CountingListener.class).acquired).isEqualTo(1);
		});
	}

	@Test
	void watchdogIntervalNotShorterThanTheLeaseFailsNamingTheProperty() {
		assertStartupFails("redis.patterns.lock.watchdog.interval", "redis.patterns.lock.watchdog.lease=5s",
				"redis.patterns.lock.watchdog.interval=5s");
	}

	@Test
	void invalidDurationsAndCountsFailNamingTheProperty() {
		assertStartupFails("redis.patterns.lock.watchdog.lease", "redis.patterns.lock.watchdog.lease=0s");
		assertStartupFails("redis.patterns.lock.default-lease-time", "redis.patterns.lock.default-lease-time=0ms");
		assertStartupFails("redis.patterns.lock.default-wait-time", "redis.patterns.lock.default-wait-time=-1s");
		assertStartupFails("redis.patterns.lock.poll-interval", "redis.patterns.lock.poll-interval=0s");
		assertStartupFails("redis.patterns.lock.fencing-counter-ttl", "redis.patterns.lock.fencing-counter-ttl=0s");
		assertStartupFails("redis.patterns.lock.replica-acks", "redis.patterns.lock.replica-acks=-1");
		assertStartupFails("redis.patterns.lock.locks.checkout.lease-time",
				"redis.patterns.lock.locks.checkout.lease-time=0s");
		assertStartupFails("redis.patterns.lock.locks.checkout.wait-time",
				"redis.patterns.lock.locks.checkout.wait-time=-5s");
	}

	@Test
	void replicaAcksFailTheStartInPortableModeNamingTheProperty() {
		// WAIT runs on Lettuce connections of its own, to the node that owns the lock
		for (String client : new String[] { "redis.patterns.client=portable", "spring.data.redis.client-type=jedis" }) {
			this.runner.withPropertyValues(client, "redis.patterns.lock.replica-acks=1").run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidPropertyException.class)
					.hasMessageContaining("'redis.patterns.lock.replica-acks'")
					.hasMessageContaining("needs Lettuce");
			});
		}
		this.runner.withPropertyValues("redis.patterns.client=portable")
			.run((context) -> assertThat(context).hasSingleBean(LockManager.class));
	}

	private void assertStartupFails(String property, String... values) {
		this.runner.withPropertyValues(values).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("'" + property + "'");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomLockManager {

		@Bean
		LockManager customLockManager() {
			return mock(LockManager.class);
		}

	}

	static class CountingListener implements LockListener {

		int acquired;

		@Override
		public void onAcquisition(String name, LockType type, Outcome outcome, long waitNanos) {
			if (outcome == Outcome.ACQUIRED) {
				this.acquired++;
			}
		}

	}

}
