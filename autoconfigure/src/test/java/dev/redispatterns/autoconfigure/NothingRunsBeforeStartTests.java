package dev.redispatterns.autoconfigure;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.lettuce.core.AbstractRedisClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisSentinelConnection;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionAutoConfiguration;
import dev.redispatterns.autoconfigure.structures.RedisPatternsStructuresAutoConfiguration;
import dev.redispatterns.core.internal.RedisPatternsThreads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Creating the starter's beans talks to no Redis and starts no thread: subscriptions, {@code CONFIG} and
 * background work begin when the context starts. A Jedis (portable mode) or Lettuce (native mode)
 * connection factory that fails every connection and records the attempt stands in for Redis; a lifecycle bean in the lowest phase looks before anything
 * else starts.
 */
class NothingRunsBeforeStartTests {

	@Test
	void portableModeCreatingEveryBeanRunsNoCommandAndStartsNoThreadUntilTheContextStarts() {
		List<String> connections = new CopyOnWriteArrayList<>();
		assertNothingRunsBeforeStart(failingJedis(connections), connections);
	}

	@Test
	void nativeModeCreatingEveryBeanRunsNoCommandAndStartsNoThreadUntilTheContextStarts() {
		List<String> connections = new CopyOnWriteArrayList<>();
		assertNothingRunsBeforeStart(failingLettuce(connections), connections);
	}

	private void assertNothingRunsBeforeStart(RedisConnectionFactory factory, List<String> connections) {
		FirstToStart probe = new FirstToStart(connections);
		Set<String> threadsBefore = starterThreads();
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsCacheAutoConfiguration.class,
					CacheAutoConfiguration.class, RedisPatternsSessionAutoConfiguration.class,
					RedisPatternsLockAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					RedisPatternsMessagingAutoConfiguration.class, RedisPatternsStructuresAutoConfiguration.class))
			.withBean(RedisConnectionFactory.class, () -> factory)
			.withBean(FirstToStart.class, () -> probe)
			.withUserConfiguration(Caching.class)
			.withPropertyValues("redis.patterns.cache.caches.products.near-cache.enabled=true",
					"redis.patterns.cache.caches.products.refresh-ahead.enabled=true",
					"redis.patterns.session.events.enabled=true",
					"redis.patterns.session.events.configure-keyspace-notifications=true",
					"redis.patterns.rate-limit.policies.api.algorithm=fixed-window",
					"redis.patterns.rate-limit.policies.api.limit=10", "redis.patterns.rate-limit.policies.api.window=1s")
			.run((context) -> {
				// the context may fail to start (CONFIG SET finds no Redis): what counts is what ran before
				assertThat(probe.started).as("the context was started").isTrue();
				assertThat(probe.connectionsBeforeStart).as("connections asked for while the beans were created")
					.isEmpty();
				assertThat(probe.threadsBeforeStart).as("starter threads started while the beans were created")
					.isSubsetOf(threadsBefore);
				assertThat(connections).as("connections asked for once the context started").isNotEmpty();
			});
	}

	/** Jedis (portable mode) with nothing behind it: every connection asked for is recorded and fails. */
	private static RedisConnectionFactory failingJedis(List<String> connections) {
		JedisConnectionFactory factory = new JedisConnectionFactory() {

			@Override
			public RedisConnection getConnection() {
				return fail("getConnection");
			}

			@Override
			public RedisClusterConnection getClusterConnection() {
				return fail("getClusterConnection");
			}

			@Override
			public RedisSentinelConnection getSentinelConnection() {
				return fail("getSentinelConnection");
			}

			private <T> T fail(String what) {
				connections.add(what + " on " + Thread.currentThread().getName());
				throw new RedisConnectionFailureException("no Redis in this test");
			}

		};
		return factory;
	}

	/** Lettuce (native mode) with nothing behind it: the shared connection and the client are recorded and fail. */
	private static RedisConnectionFactory failingLettuce(List<String> connections) {
		return new LettuceConnectionFactory() {

			@Override
			public RedisConnection getConnection() {
				return fail("getConnection");
			}

			@Override
			public RedisClusterConnection getClusterConnection() {
				return fail("getClusterConnection");
			}

			@Override
			public AbstractRedisClient getNativeClient() {
				return fail("getNativeClient");
			}

			@Override
			public AbstractRedisClient getRequiredNativeClient() {
				return fail("getRequiredNativeClient");
			}

			private <T> T fail(String what) {
				connections.add(what + " on " + Thread.currentThread().getName());
				throw new RedisConnectionFailureException("no Redis in this test");
			}

		};
	}

	static Set<String> starterThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(RedisPatternsThreads.PREFIX) || name.startsWith("spring-session"))
			.collect(Collectors.toSet());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Caching {

	}

	/** Runs first when the context starts: every singleton exists, no other lifecycle bean has started. */
	static class FirstToStart implements SmartLifecycle {

		final List<String> connections;

		volatile List<String> connectionsBeforeStart = List.of();

		volatile Set<String> threadsBeforeStart = Set.of();

		volatile boolean started;

		private volatile boolean running;

		FirstToStart(List<String> connections) {
			this.connections = connections;
		}

		@Override
		public void start() {
			this.connectionsBeforeStart = List.copyOf(this.connections);
			this.threadsBeforeStart = starterThreads();
			this.started = true;
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return Integer.MIN_VALUE;
		}

	}

}
