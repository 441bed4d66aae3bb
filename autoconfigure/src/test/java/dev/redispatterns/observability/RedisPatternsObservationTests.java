package dev.redispatterns.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.observability.RedisPatternsObservationAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.core.PatternObservationContext;
import dev.redispatterns.core.RedisPatternsObservationContext;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisPatternsReceiverContext;
import dev.redispatterns.core.internal.RedisPatternsSenderContext;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.messaging.QueueListener;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamGroupListener;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spans, as a test {@link ObservationRegistry} records them: one per cache load, rate-limit decision,
 * lock acquisition and handled stream entry or queue job, with bounded key-values, nested under the
 * caller's observation, and keys only when asked for.
 */
@RedisTest
class RedisPatternsObservationTests {

	private final ApplicationContextRunner runner;

	private final RedisDeployment redis;

	RedisPatternsObservationTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsObservationAutoConfiguration.class,
					RedisPatternsCacheAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					RedisPatternsLockAutoConfiguration.class, RedisPatternsMessagingAutoConfiguration.class))
			.withUserConfiguration(Traced.class)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("redis.patterns.rate-limit.policies.api.algorithm=gcra",
					"redis.patterns.rate-limit.policies.api.limit=1", "redis.patterns.rate-limit.policies.api.window=1m",
					"redis.patterns.messaging.stream.poll-timeout=200ms",
					"redis.patterns.messaging.queue.poll-timeout=200ms");
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void rateLimitDecisionsAreObservedWithPolicyAndOutcomeButNoKey() {
		this.runner.run((context) -> {
			RateLimiter limiter = context.getBean(RateLimiter.class);
			limiter.tryAcquire("api", "user-7");
			limiter.tryAcquire("api", "user-7");
			List<Observation.Context> decisions = observations(context, "redis.patterns.ratelimit.decision");
			assertThat(decisions).hasSize(2);
			assertThat(decisions.get(0).getContextualName()).isEqualTo("rate limit api");
			assertThat(decisions.get(0).getLowCardinalityKeyValues()).containsExactlyInAnyOrder(
					KeyValue.of("policy", "api"), KeyValue.of("outcome", "allowed"));
			assertThat(decisions.get(1).getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("rejected");
			assertThat(decisions.get(0).getHighCardinalityKeyValues()).isEmpty();
		});
	}

	@Test
	void keysAreRecordedAsHighCardinalityValuesOnlyWhenConfigured() {
		this.runner.withPropertyValues("redis.patterns.observability.include-keys=true").run((context) -> {
			context.getBean(RateLimiter.class).tryAcquire("api", "user-7");
			Observation.Context decision = observations(context, "redis.patterns.ratelimit.decision").get(0);
			assertThat(decision.getHighCardinalityKeyValue("key").getValue()).isEqualTo("user-7");
			assertThat(decision.getLowCardinalityKeyValues().stream().map(KeyValue::getValue)).doesNotContain("user-7");
		});
	}

	@Test
	void cacheLoadsAreObservedAndTheLoaderRunsInsideTheirSpan() {
		this.runner.run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			Cache products = context.getBean(CacheManager.class).getCache("products");
			List<Observation> seenByLoader = new ArrayList<>();
			products.get("p-1", () -> {
				seenByLoader.add(registry.getCurrentObservation());
				return "product";
			});
			products.get("p-1", () -> "not loaded again");
			assertThatExceptionOfType(Cache.ValueRetrievalException.class)
				.isThrownBy(() -> products.get("p-2", () -> {
					throw new IllegalStateException("database down");
				}));
			List<Observation.Context> loads = observations(context, "redis.patterns.cache.load");
			assertThat(loads).hasSize(2);
			assertThat(loads.get(0).getContextualName()).isEqualTo("cache load products");
			assertThat(loads.get(0).getLowCardinalityKeyValues()).containsExactlyInAnyOrder(
					KeyValue.of("cache", "products"), KeyValue.of("outcome", "success"));
			assertThat(seenByLoader.get(0).getContext()).as("the loader's work nests under the load")
				.isSameAs(loads.get(0));
			assertThat(loads.get(1).getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("failure");
			assertThat(loads.get(1).getError()).hasMessageContaining("database down");
		});
	}

	@Test
	void aPlainCacheableMethodIsObservedAsALoad() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.product("9");
			catalog.product("9");
			List<Observation.Context> loads = observations(context, "redis.patterns.cache.load");
			assertThat(loads).hasSize(1);
			assertThat(loads.get(0).getLowCardinalityKeyValue("cache").getValue()).isEqualTo("catalog");
			assertThat(loads.get(0).getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("success");
		});
	}

	@Test
	void lockAcquisitionsAreObservedWithTheBoundedLockName() {
		this.runner.run((context) -> {
			LockManager locks = context.getBean(LockManager.class);
			LockRequest options = LockRequest.immediate().withMetricName("checkout");
			try (LockHandle held = locks.lock("order:42", options)) {
				Optional<LockHandle> second = locks.tryLock("order:42", options);
				assertThat(second).isEmpty();
			}
			List<Observation.Context> acquisitions = observations(context, "redis.patterns.lock.acquire");
			assertThat(acquisitions).hasSize(2);
			assertThat(acquisitions.get(0).getContextualName()).isEqualTo("lock acquire checkout");
			assertThat(acquisitions.get(0).getLowCardinalityKeyValues()).containsExactlyInAnyOrder(
					KeyValue.of("lock", "checkout"), KeyValue.of("lock.type", "exclusive"),
					KeyValue.of("outcome", "acquired"));
			assertThat(acquisitions.get(1).getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("timeout");
			assertThat(acquisitions.get(0).getHighCardinalityKeyValues()).as("no evaluated lock name").isEmpty();
		});
	}

	@Test
	void handledStreamEntriesAndQueueJobsAreObserved() throws Exception {
		this.runner.withPropertyValues("redis.patterns.observability.include-keys=true").run((context) -> {
			String entry = context.getBean(StreamPublisher.class).publish("orders", "order-1");
			String job = context.getBean(QueuePublisher.class).enqueue("mails", "mail-1");
			Handlers handlers = context.getBean(Handlers.class);
			ShopRunner.await("both handled", () -> handlers.handled.size() == 2);
			ShopRunner.await("both observations stopped",
					() -> observations(context, "redis.patterns.messaging.stream.process").size() == 1
							&& observations(context, "redis.patterns.messaging.queue.process").size() == 1);
			Observation.Context stream = observations(context, "redis.patterns.messaging.stream.process")
				.get(0);
			assertThat(stream.getContextualName()).isEqualTo("stream process orders");
			assertThat(stream.getLowCardinalityKeyValues()).containsExactlyInAnyOrder(KeyValue.of("stream", "orders"),
					KeyValue.of("group", "billing"), KeyValue.of("outcome", "success"));
			assertThat(stream.getHighCardinalityKeyValue("message.id").getValue()).isEqualTo(entry);
			Observation.Context queue = observations(context, "redis.patterns.messaging.queue.process")
				.get(0);
			assertThat(queue.getLowCardinalityKeyValues()).containsExactlyInAnyOrder(KeyValue.of("queue", "mails"),
					KeyValue.of("outcome", "success"));
			assertThat(queue.getHighCardinalityKeyValue("message.id").getValue()).isEqualTo(job);
			assertThat(stream).isInstanceOf(RedisPatternsReceiverContext.class);
			assertThat(queue).isInstanceOf(RedisPatternsReceiverContext.class);
			Observation.Context streamPublish = observations(context, "redis.patterns.messaging.stream.publish").get(0);
			assertThat(streamPublish).isInstanceOf(RedisPatternsSenderContext.class);
			assertThat(streamPublish.getContextualName()).isEqualTo("stream publish orders");
			assertThat(streamPublish.getLowCardinalityKeyValues())
				.containsExactlyInAnyOrder(KeyValue.of("stream", "orders"), KeyValue.of("outcome", "success"));
			Observation.Context queuePublish = observations(context, "redis.patterns.messaging.queue.publish").get(0);
			assertThat(queuePublish.getLowCardinalityKeyValues())
				.containsExactlyInAnyOrder(KeyValue.of("queue", "mails"), KeyValue.of("outcome", "success"));
			assertThat(queuePublish.getHighCardinalityKeyValue("message.id").getValue()).isEqualTo(job);
		});
	}

	@Test
	void observationsNestUnderTheCallersObservation() {
		this.runner.run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			Observation request = Observation.start("http.server.requests", registry);
			try (Observation.Scope scope = request.openScope()) {
				context.getBean(RateLimiter.class).tryAcquire("api", "user-8");
			}
			request.stop();
			Observation.Context decision = observations(context, "redis.patterns.ratelimit.decision").get(0);
			assertThat(decision.getParentObservation()).isSameAs(request);
		});
	}

	@Test
	void withoutAnObservationRegistryTheEnginesObserveNothing() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsObservationAutoConfiguration.class,
					RedisPatternsRateLimitAutoConfiguration.class))
			.withPropertyValues(this.redis.springProperties())
			.withPropertyValues("redis.patterns.rate-limit.policies.api.algorithm=gcra",
					"redis.patterns.rate-limit.policies.api.limit=1", "redis.patterns.rate-limit.policies.api.window=1m")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(PatternObservations.class);
				assertThat(context.getBean(RateLimiter.class).tryAcquire("api", "x").isAllowed()).isTrue();
			});
	}

	@Test
	void observationsCanBeSwitchedOff() {
		this.runner.withPropertyValues("redis.patterns.observability.enabled=false").run((context) -> {
			context.getBean(RateLimiter.class).tryAcquire("api", "user-9");
			assertThat(observations(context, "redis.patterns.ratelimit.decision")).isEmpty();
		});
	}

	/** The finished observations of that name (their outcome is set when they stop), in the order they started. */
	private static List<Observation.Context> observations(ApplicationContext context, String name) {
		List<Observation.Context> found = new ArrayList<>();
		context.getBean(TestObservationRegistry.class).assertThat().hasHandledContextsThatSatisfy((contexts) -> {
			for (Observation.Context candidate : contexts) {
				if (candidate instanceof PatternObservationContext pattern && name.equals(candidate.getName())
						&& !pattern.outcome().equals(RedisPatternsObservationContext.UNKNOWN)) {
					found.add(candidate);
				}
			}
		});
		return found;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Traced {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

	static class Catalog {

		@Cacheable("catalog")
		public String product(String id) {
			return "product " + id;
		}

	}

	static class Handlers {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@StreamGroupListener(stream = "orders", group = "billing")
		void order(String order) {
			this.handled.add(order);
		}

		@QueueListener("mails")
		void mail(String mail) {
			this.handled.add(mail);
		}

	}

}
