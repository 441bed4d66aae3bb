package dev.redispatterns.reliability;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionWebAutoConfiguration;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property values that make no sense — negative or zero durations, zero limits and sizes, leases not
 * longer than their renewal interval, retention shorter than a lease, malformed names — stop the
 * application at start-up with a message naming the property, in every feature. Each line below is one
 * application start: {@code property=value[|other=settings]}.
 */
@RedisTest
class InvalidPropertiesTests {

	/** Cases for a plain application with every feature but sessions. */
	static final List<String> CASES = List.of(
			// core
			"redis.patterns.command-timeout=0ms", "redis.patterns.command-timeout=-1s",
			"redis.patterns.key-prefix=a b", "redis.patterns.key-prefix={rp}", "redis.patterns.key-prefix=",
			"redis.patterns.codec.max-value-size=0B", "redis.patterns.cluster.adaptive-refresh-min-interval=-1s",
			"redis.patterns.cluster.periodic-refresh=0s",
			// caching
			"redis.patterns.cache.default-ttl=0s", "redis.patterns.cache.default-ttl=-1m",
			"redis.patterns.cache.ttl-jitter=150", "redis.patterns.cache.ttl-jitter=-1",
			"redis.patterns.cache.null-ttl=0s", "redis.patterns.cache.timeout=0s",
			"redis.patterns.cache.refresh-threads=0", "redis.patterns.cache.near-cache.max-size=0",
			"redis.patterns.cache.near-cache.ttl=0s", "redis.patterns.cache.stampede.lock-timeout=0s",
			"redis.patterns.cache.stampede.max-wait=-1s", "redis.patterns.cache.refresh-ahead.beta=0",
			"redis.patterns.cache.stale-while-revalidate=-1s", "redis.patterns.cache.caches.products.ttl=-1s",
			// rate limiting
			"redis.patterns.rate-limit.policies.api.limit=0|redis.patterns.rate-limit.policies.api.algorithm=gcra|"
					+ "redis.patterns.rate-limit.policies.api.window=1m",
			"redis.patterns.rate-limit.policies.api.limit=-5|redis.patterns.rate-limit.policies.api.algorithm=fixed-window|"
					+ "redis.patterns.rate-limit.policies.api.window=1m",
			"redis.patterns.rate-limit.policies.api.window=0s|redis.patterns.rate-limit.policies.api.algorithm=gcra|"
					+ "redis.patterns.rate-limit.policies.api.limit=10",
			"redis.patterns.rate-limit.policies.api.capacity=0|redis.patterns.rate-limit.policies.api.algorithm=token-bucket|"
					+ "redis.patterns.rate-limit.policies.api.refill-rate=1",
			"redis.patterns.rate-limit.policies.api.refill-rate=0|redis.patterns.rate-limit.policies.api.algorithm=token-bucket|"
					+ "redis.patterns.rate-limit.policies.api.capacity=10",
			"redis.patterns.rate-limit.policies.api.algorithm=leaky-bucket|redis.patterns.rate-limit.policies.api.limit=1|"
					+ "redis.patterns.rate-limit.policies.api.window=1m",
			"redis.patterns.rate-limit.fallback.instances=0", "redis.patterns.rate-limit.fallback.max-keys=0",
			// locks
			"redis.patterns.lock.default-wait-time=-1s", "redis.patterns.lock.default-lease-time=0s",
			"redis.patterns.lock.watchdog.lease=0s", "redis.patterns.lock.watchdog.interval=30s",
			"redis.patterns.lock.watchdog.interval=2s|redis.patterns.lock.watchdog.lease=1s",
			"redis.patterns.lock.poll-interval=0s", "redis.patterns.lock.fencing-counter-ttl=0s",
			"redis.patterns.lock.replica-acks=-1", "redis.patterns.lock.replica-ack-timeout=0s",
			"redis.patterns.lock.locks.orders.lease-time=-1s", "redis.patterns.lock.locks.orders.wait-time=-1s",
			// messaging
			"redis.patterns.messaging.stream.batch-size=0", "redis.patterns.messaging.stream.concurrency=0",
			"redis.patterns.messaging.stream.poll-timeout=0s", "redis.patterns.messaging.stream.reclaim-after=0s",
			"redis.patterns.messaging.stream.max-deliveries=0", "redis.patterns.messaging.stream.max-length=-1",
			"redis.patterns.messaging.stream.dead-letter-max-length=-1",
			"redis.patterns.messaging.stream.stale-consumer-timeout=0s",
			"redis.patterns.messaging.stream.max-age=0s",
			"redis.patterns.messaging.streams.fault-events.batch-size=0",
			"redis.patterns.messaging.queue.concurrency=0", "redis.patterns.messaging.queue.max-deliveries=0",
			"redis.patterns.messaging.queue.retry-delay=-1s", "redis.patterns.messaging.queue.consumer-timeout=0s",
			"redis.patterns.messaging.queue.poll-timeout=0s", "redis.patterns.messaging.queue.max-length=-1",
			"redis.patterns.messaging.queues.fault-jobs.concurrency=0",
			"redis.patterns.messaging.idempotency.lease=0s", "redis.patterns.messaging.shutdown-timeout=-1s",
			// data structures
			"redis.patterns.structures.leaderboard.max-entries=-1",
			"redis.patterns.structures.leaderboard.retention=-1s",
			"redis.patterns.structures.unique-counter.retention=-1s",
			"redis.patterns.structures.counter.time-to-live=-1s",
			"redis.patterns.structures.write-behind.flush-interval=0s",
			"redis.patterns.structures.write-behind.lease-time=0s",
			"redis.patterns.structures.write-behind.retention=1s",
			"redis.patterns.structures.write-behind.shutdown-timeout=-1s",
			"redis.patterns.structures.zone=Mars/Olympus_Mons");

	/** Cases that need a servlet application (sessions, rate-limit web settings). */
	static final List<String> WEB_CASES = List.of("redis.patterns.session.timeout=0s",
			"redis.patterns.session.timeout=500ms", "redis.patterns.session.key-hashing.secret=short",
			"redis.patterns.session.max-sessions-per-user=-1",
			"redis.patterns.rate-limit.web.trusted-proxies=10.0.0.0/99",
			"redis.patterns.rate-limit.web.filter.rules.api.permits=0|"
					+ "redis.patterns.rate-limit.web.filter.rules.api.patterns=/api/**|"
					+ "redis.patterns.rate-limit.web.filter.rules.api.policy=open");

	@Test
	void everyNonsensicalValueStopsTheStartNamingTheProperty(RedisDeployment redis) {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withUserConfiguration(ReliabilityApplication.class)
			.withPropertyValues(ReliabilityApplication.PROPERTIES)
			.withPropertyValues(redis.springProperties());
		List<String> accepted = new ArrayList<>();
		for (String settings : CASES) {
			check(runner, settings, accepted);
		}
		WebApplicationContextRunner web = new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsSessionAutoConfiguration.class,
					RedisPatternsSessionWebAutoConfiguration.class,
					RedisPatternsRateLimitAutoConfiguration.class))
			.withPropertyValues(ReliabilityApplication.PROPERTIES)
			.withPropertyValues(redis.springProperties());
		for (String settings : WEB_CASES) {
			check(web, settings, accepted);
		}
		assertThat(accepted).as("settings that started although they make no sense").isEmpty();
	}

	private static void check(AbstractApplicationContextRunner<?, ?, ?> runner, String settings,
			List<String> accepted) {
		String[] values = settings.split("\\|");
		String property = values[0].substring(0, values[0].indexOf('='));
		runner.withPropertyValues(values).run((context) -> {
			Throwable failure = context.getStartupFailure();
			if (failure == null) {
				accepted.add(settings);
				return;
			}
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			if (!messages.toString().contains(property)) {
				accepted.add(settings + " (failed without naming the property: " + messages + ")");
			}
		});
	}

}
