package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.session.FindByIndexNameSessionRepository;

import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.messaging.IdempotencyGuard;
import dev.redispatterns.ratelimit.RateLimitOutcome;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.session.RedisPatternsSession;
import dev.redispatterns.session.RedisPatternsSessionRepository;
import dev.redispatterns.structures.Counters;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User input used as a key — a lock name, a rate-limit key, a cache key, an idempotency key, a counter id,
 * a principal name — works on Redis Cluster whatever it contains: empty, hash-tag braces, control
 * characters, broken UTF-16, glob characters, 10,000 characters. No {@code CROSSSLOT} error, no key that
 * escapes its feature's slot group.
 */
@RedisTest(topology = Topology.CLUSTER)
class HostileKeysClusterTests {

	static final List<String> HOSTILE = List.of("", "{", "}", "{}", "a}b{c", "{user-1}", "\n\r\t\u0000", "\uD800",
			"\uDC00x", "%~", "~", "%", "*?[]\\", "caf\u00e9 \uD83D\uDE00", ":", "x".repeat(10_000),
			"{".repeat(300));

	@Test
	void everyFeatureKeyedByHostileInputWorksOnTheCluster(RedisDeployment redis) {
		try (ConfigurableApplicationContext context = ReliabilityApplication.start(redis.springProperties())) {
			LockManager locks = context.getBean(LockManager.class);
			RateLimiter limiter = context.getBean(RateLimiter.class);
			CatalogService catalog = context.getBean(CatalogService.class);
			IdempotencyGuard guard = context.getBean(IdempotencyGuard.class);
			Counters counters = context.getBean(Counters.class);
			RedisPatternsSessionRepository sessions = context.getBean(RedisPatternsSessionRepository.class);
			long lastToken = 0;
			for (String key : HOSTILE) {
				String what = "input of " + key.length() + " chars " + key.codePoints().limit(8).boxed().toList();
				try (LockHandle lock = locks.lock(key, Duration.ofSeconds(5), Duration.ofSeconds(10))) {
					assertThat(lock.fencingToken()).as(what).isPositive();
				}
				try (LockHandle first = locks.lock(key, Duration.ofSeconds(5), null)) {
					assertThat(first.fencingToken()).as(what).isGreaterThan(lastToken);
					lastToken = first.fencingToken();
				}
				assertThat(limiter.tryAcquire("closed", key).outcome()).as(what).isEqualTo(RateLimitOutcome.ALLOWED);
				int calls = catalog.calls();
				assertThat(catalog.value(key)).isEqualTo("value-" + key);
				assertThat(catalog.value(key)).isEqualTo("value-" + key);
				assertThat(catalog.calls()).as("cached: " + what).isEqualTo(calls + 1);
				assertThat(guard.runOnce(key, Duration.ofMinutes(1), () -> {
				})).as(what).isTrue();
				assertThat(counters.increment("hostile", key)).as(what).isEqualTo(1);
				RedisPatternsSession session = sessions.createSession();
				session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, key);
				sessions.save(session);
				assertThat(sessions.findByPrincipalName(key)).as(what).hasSize(1);
			}
		}
	}

}
