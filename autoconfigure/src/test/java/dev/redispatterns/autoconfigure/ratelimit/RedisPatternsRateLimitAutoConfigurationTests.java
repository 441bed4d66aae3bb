package dev.redispatterns.autoconfigure.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.observability.RateLimitMetrics;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.RedisRateLimiter;
import dev.redispatterns.ratelimit.internal.RateLimitedAdvisor;
import dev.redispatterns.ratelimit.web.internal.RateLimitExceptionHandler;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RedisTest
class RedisPatternsRateLimitAutoConfigurationTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	RedisPatternsRateLimitAutoConfigurationTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					AopAutoConfiguration.class))
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("redis.patterns.rate-limit.policies.api.algorithm=fixed-window",
					"redis.patterns.rate-limit.policies.api.limit=3", "redis.patterns.rate-limit.policies.api.window=1h",
					"redis.patterns.rate-limit.policies.global.algorithm=sliding-window",
					"redis.patterns.rate-limit.policies.global.limit=4",
					"redis.patterns.rate-limit.policies.global.window=1h");
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void limiterAdviceAndPoliciesAreConfigured() {
		this.runner.withPropertyValues("redis.patterns.rate-limit.policies.bucket.algorithm=token-bucket",
				"redis.patterns.rate-limit.policies.bucket.capacity=10",
				"redis.patterns.rate-limit.policies.bucket.refill-rate=0.5",
				"redis.patterns.rate-limit.policies.bucket.fail-open=false").run((context) -> {
					assertThat(context).hasSingleBean(RateLimiter.class)
						.hasSingleBean(RateLimitedAdvisor.class)
						.doesNotHaveBean(RateLimitExceptionHandler.class);
					RateLimiter limiter = context.getBean(RateLimiter.class);
					RateLimitPolicy api = limiter.policy("api");
					assertThat(api.algorithm()).isEqualTo(RateLimitAlgorithm.FIXED_WINDOW);
					assertThat(api.limit()).isEqualTo(3);
					assertThat(api.window()).hasHours(1);
					assertThat(api.failOpen()).as("global default").isTrue();
					RateLimitPolicy bucket = limiter.policy("bucket");
					assertThat(bucket.limit()).isEqualTo(10);
					assertThat(bucket.refillRate()).isEqualTo(0.5);
					assertThat(bucket.failOpen()).as("per-policy override").isFalse();
				});
	}

	@Test
	void globalFailOpenAndFallbackAreTheDefaultsOfEveryPolicy() {
		this.runner
			.withPropertyValues("redis.patterns.rate-limit.fail-open=false",
					"redis.patterns.rate-limit.fallback.enabled=true",
					"redis.patterns.rate-limit.policies.global.fail-open=true",
					"redis.patterns.rate-limit.policies.global.local-fallback=false")
			.run((context) -> {
				RateLimiter limiter = context.getBean(RateLimiter.class);
				assertThat(limiter.policy("api").failOpen()).isFalse();
				assertThat(limiter.policy("api").localFallback()).isTrue();
				assertThat(limiter.policy("global").failOpen()).isTrue();
				assertThat(limiter.policy("global").localFallback()).isFalse();
			});
	}

	@Test
	void withLocalRejectionsAHammeredAnnotatedMethodCostsOneRoundTripPerRefusal() {
		this.runner.withPropertyValues("redis.patterns.rate-limit.local-rejections.enabled=true")
			.withUserConfiguration(RateLimitTestServices.OrdersConfiguration.class)
			.run((context) -> {
				RateLimitTestServices.Orders orders = context.getBean(RateLimitTestServices.Orders.class);
				for (int i = 0; i < 3; i++) {
					orders.place("mallory");
				}
				long before = evalshaCalls();
				for (int i = 0; i < 30; i++) {
					assertThatThrownBy(() -> orders.place("mallory")).isInstanceOf(RateLimitExceededException.class);
				}
				assertThat(evalshaCalls() - before).as("round trips of 30 refused calls").isEqualTo(1);
				assertThat(orders.runs()).isEqualTo(3);
			});
	}

	@Test
	void annotatedMethodsAreLimitedAndRefusedCallsDoNotRun() {
		this.runner.withUserConfiguration(RateLimitTestServices.OrdersConfiguration.class).run((context) -> {
			RateLimitTestServices.Orders orders = context.getBean(RateLimitTestServices.Orders.class);
			for (int i = 0; i < 3; i++) {
				assertThat(orders.place("alice")).isEqualTo("placed for alice");
			}
			assertThatThrownBy(() -> orders.place("alice")).isInstanceOfSatisfying(RateLimitExceededException.class,
					(ex) -> {
						assertThat(ex.policy()).isEqualTo("api");
						assertThat(ex.limit()).isEqualTo(3);
						assertThat(ex.remaining()).isZero();
						assertThat(ex.retryAfter()).isPositive();
						assertThat(ex.reset()).isPositive();
					});
			assertThat(orders.runs()).isEqualTo(3);
			assertThat(orders.place("bob")).as("another key, another bucket").isEqualTo("placed for bob");
			assertThat(orders.unlimited()).isEqualTo("free");
		});
	}

	@Test
	void repeatedAnnotationsAreCheckedTogetherAndARefusedCallConsumesNothing() {
		this.runner.withUserConfiguration(RateLimitTestServices.OrdersConfiguration.class).run((context) -> {
			RateLimitTestServices.Orders orders = context.getBean(RateLimitTestServices.Orders.class);
			RateLimiter limiter = context.getBean(RateLimiter.class);
			// global allows 4: three for alice, one for bob, then bob is refused by global ...
			for (int i = 0; i < 3; i++) {
				orders.perUserAndGlobal("alice");
			}
			orders.perUserAndGlobal("bob");
			assertThatThrownBy(() -> orders.perUserAndGlobal("bob")).isInstanceOfSatisfying(
					RateLimitExceededException.class, (ex) -> {
						assertThat(ex.policy()).isEqualTo("global");
						assertThat(ex.decisions()).hasSize(2);
					});
			assertThat(orders.runs()).isEqualTo(4);
			// ... and bob's per-user permit of that refused call was given back: he still has 2 of 3
			assertThat(limiter.tryAcquire("api", "bob", 2).isAllowed()).isTrue();
			assertThat(limiter.tryAcquire("api", "bob", 1).isAllowed()).isFalse();
		});
	}

	@Test
	void inlinePoliciesClassLevelAnnotationsAndPermits() {
		this.runner.withUserConfiguration(RateLimitTestServices.OrdersConfiguration.class).run((context) -> {
			RateLimitTestServices.Orders orders = context.getBean(RateLimitTestServices.Orders.class);
			RateLimiter limiter = context.getBean(RateLimiter.class);
			assertThat(limiter.hasPolicy("Orders.inline")).as("registered at start-up").isTrue();
			assertThat(limiter.policy("Orders.inline").algorithm()).isEqualTo(RateLimitAlgorithm.GCRA);
			orders.inline();
			orders.inline();
			assertThatThrownBy(orders::inline).isInstanceOf(RateLimitExceededException.class);
			assertThat(orders.expensive()).isEqualTo("expensive");
			assertThatThrownBy(orders::expensive).as("3 permits of 3 used").isInstanceOf(RateLimitExceededException.class);
			RateLimitTestServices.ClassLimited limited = context.getBean(RateLimitTestServices.ClassLimited.class);
			for (int i = 0; i < 3; i++) {
				limited.first();
			}
			assertThatThrownBy(limited::first).isInstanceOf(RateLimitExceededException.class);
			assertThat(limited.second()).as("one bucket per method").isEqualTo("second");
			assertThat(limited.toString()).as("Object methods are not limited").isNotNull();
		});
	}

	@ParameterizedTest
	@EnumSource(RateLimitAlgorithm.class)
	void twoApplicationInstancesTogetherAllowExactlyTheLimit(RateLimitAlgorithm algorithm) {
		String[] policy = (algorithm == RateLimitAlgorithm.TOKEN_BUCKET)
				? new String[] { "redis.patterns.rate-limit.policies.counted.algorithm=token-bucket",
						"redis.patterns.rate-limit.policies.counted.capacity=25",
						"redis.patterns.rate-limit.policies.counted.refill-rate=0.0001" }
				: new String[] { "redis.patterns.rate-limit.policies.counted.algorithm=" + algorithm.configName(),
						"redis.patterns.rate-limit.policies.counted.limit=25",
						"redis.patterns.rate-limit.policies.counted.window=1d" };
		ApplicationContextRunner instance = this.runner.withUserConfiguration(CountedConfiguration.class)
			.withPropertyValues(policy);
		instance.run((first) -> instance.run((second) -> {
			AtomicInteger allowed = new AtomicInteger();
			ExecutorService pool = Executors.newFixedThreadPool(8);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			try {
				for (int t = 0; t < 8; t++) {
					RateLimitTestServices.Counted counted = ((t % 2 == 0) ? first : second)
						.getBean(RateLimitTestServices.Counted.class);
					futures.add(pool.submit(() -> {
						start.await();
						for (int i = 0; i < 10; i++) {
							try {
								counted.call();
								allowed.incrementAndGet();
							}
							catch (RateLimitExceededException ex) {
								// refused
							}
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> future : futures) {
					future.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(allowed).hasValue(25);
		}));
	}

	@Test
	void decisionsAreMeteredByPolicyAndOutcome() {
		this.runner.withUserConfiguration(RateLimitTestServices.OrdersConfiguration.class, Meters.class)
			.run((context) -> {
				RateLimitTestServices.Orders orders = context.getBean(RateLimitTestServices.Orders.class);
				for (int i = 0; i < 5; i++) {
					try {
						orders.place("carol");
					}
					catch (RateLimitExceededException ex) {
						// counted as rejected
					}
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(RateLimitMetrics.DECISIONS).tags("policy", "api", "outcome", "allowed").counter()
					.count()).isEqualTo(3);
				assertThat(registry.get(RateLimitMetrics.DECISIONS).tags("policy", "api", "outcome", "rejected").counter()
					.count()).isEqualTo(2);
				assertThat(registry.get(RateLimitMetrics.LATENCY).tags("policy", "api").timer().count()).isEqualTo(5);
				assertThat(registry.get(RateLimitMetrics.DEGRADED_TIME).functionCounter().count()).isZero();
				assertThat(registry.find(RateLimitMetrics.DECISIONS).meters())
					.allSatisfy((meter) -> assertThat(meter.getId().getTag("policy")).isIn("api", "global", "Orders.inline"));
			});
	}

	@Test
	void disabledSwitchTurnsRateLimitingOff() {
		this.runner.withUserConfiguration(RateLimitTestServices.OrdersConfiguration.class)
			.withPropertyValues("redis.patterns.rate-limit.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(RateLimiter.class).doesNotHaveBean(RateLimitedAdvisor.class);
				RateLimitTestServices.Orders orders = context.getBean(RateLimitTestServices.Orders.class);
				for (int i = 0; i < 10; i++) {
					orders.place("dave");
				}
				assertThat(orders.runs()).isEqualTo(10);
			});
	}

	@Test
	void backsOffWithoutRedis() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPatternsAutoConfiguration.class,
					RedisPatternsRateLimitAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RateLimiter.class));
	}

	@Test
	void anApplicationRateLimiterReplacesTheStarters() {
		this.runner.withUserConfiguration(CustomLimiter.class).run((context) -> {
			assertThat(context).hasSingleBean(RateLimiter.class);
			assertThat(context.getBean(RateLimiter.class).policy("custom").limit()).isEqualTo(7);
		});
	}

	@Test
	void unknownAlgorithmFailsStartUpNamingTheProperty() {
		assertStartUpFails("redis.patterns.rate-limit.policies.api.algorithm",
				"redis.patterns.rate-limit.policies.api.algorithm=leaky-bucket");
	}

	@Test
	void missingAlgorithmFailsStartUpNamingTheProperty() {
		assertStartUpFails("redis.patterns.rate-limit.policies.x.algorithm", "redis.patterns.rate-limit.policies.x.limit=1",
				"redis.patterns.rate-limit.policies.x.window=1s");
	}

	@Test
	void zeroOrNegativeLimitFailsStartUpNamingTheProperty() {
		assertStartUpFails("redis.patterns.rate-limit.policies.api.limit", "redis.patterns.rate-limit.policies.api.limit=0");
		assertStartUpFails("redis.patterns.rate-limit.policies.api.limit", "redis.patterns.rate-limit.policies.api.limit=-5");
	}

	@Test
	void missingWindowFailsStartUpNamingTheProperty() {
		assertStartUpFails("redis.patterns.rate-limit.policies.w.window", "redis.patterns.rate-limit.policies.w.algorithm=gcra",
				"redis.patterns.rate-limit.policies.w.limit=5");
	}

	@Test
	void tokenBucketWithoutCapacityOrRefillRateFailsStartUpNamingTheProperty() {
		assertStartUpFails("redis.patterns.rate-limit.policies.tb.capacity",
				"redis.patterns.rate-limit.policies.tb.algorithm=token-bucket",
				"redis.patterns.rate-limit.policies.tb.refill-rate=1");
		assertStartUpFails("redis.patterns.rate-limit.policies.tb.refill-rate",
				"redis.patterns.rate-limit.policies.tb.algorithm=token-bucket",
				"redis.patterns.rate-limit.policies.tb.capacity=10");
	}

	@Test
	void annotationNamingAnUndefinedPolicyFailsStartUp() {
		this.runner.withBean(RateLimitTestServices.UndefinedPolicy.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("UndefinedPolicy.call")
				.hasMessageContaining("'nope'")
				.hasMessageContaining("redis.patterns.rate-limit.policies.nope");
		});
	}

	@Test
	void invalidKeyExpressionFailsStartUp() {
		this.runner.withBean(RateLimitTestServices.BrokenKey.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("#user +")
				.hasMessageContaining("BrokenKey.call");
		});
	}

	@Test
	void inlineLimitWithoutWindowFailsStartUp() {
		this.runner.withBean(RateLimitTestServices.InlineWithoutWindow.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("needs a window");
		});
	}

	@Test
	void tiersTakeThePolicysSettingsTheyDoNotSet() {
		this.runner.withPropertyValues("redis.patterns.rate-limit.policies.api.tiers.gold.limit=30",
				"redis.patterns.rate-limit.policies.api.tiers.burst.algorithm=token-bucket",
				"redis.patterns.rate-limit.policies.api.tiers.burst.capacity=50",
				"redis.patterns.rate-limit.policies.api.tiers.burst.refill-rate=2",
				"redis.patterns.rate-limit.policies.api.tiers.burst.fail-open=false")
			.run((context) -> {
				RateLimitPolicy api = context.getBean(RateLimiter.class).policy("api");
				RateLimitPolicy gold = api.tiers().get("gold");
				assertThat(gold.tier()).isEqualTo("gold");
				assertThat(gold.name()).isEqualTo("api");
				assertThat(gold.algorithm()).isEqualTo(RateLimitAlgorithm.FIXED_WINDOW);
				assertThat(gold.limit()).isEqualTo(30);
				assertThat(gold.window()).as("the policy's window").hasHours(1);
				RateLimitPolicy burst = api.tiers().get("burst");
				assertThat(burst.algorithm()).isEqualTo(RateLimitAlgorithm.TOKEN_BUCKET);
				assertThat(burst.limit()).isEqualTo(50);
				assertThat(burst.failOpen()).isFalse();
				assertThat(gold.failOpen()).isTrue();
			});
	}

	@Test
	void invalidTiersFailStartUpNamingTheProperty() {
		assertStartUpFails("redis.patterns.rate-limit.policies.api.tiers.gold.limit",
				"redis.patterns.rate-limit.policies.api.tiers.gold.limit=0");
		assertStartUpFails("redis.patterns.rate-limit.policies.api.tiers.burst.capacity",
				"redis.patterns.rate-limit.policies.api.tiers.burst.algorithm=token-bucket",
				"redis.patterns.rate-limit.policies.api.tiers.burst.refill-rate=1");
		assertStartUpFails("redis.patterns.rate-limit.policies.api.tiers.gold.tiers",
				"redis.patterns.rate-limit.policies.api.tiers.gold.limit=5",
				"redis.patterns.rate-limit.policies.api.tiers.gold.tiers.x.limit=6");
	}

	@Test
	void aTierExpressionOnAPolicyWithoutTiersFailsStartUp() {
		this.runner.withBean(RateLimitTestServices.TierWithoutTiers.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("TierWithoutTiers.call")
				.hasMessageContaining("redis.patterns.rate-limit.policies.api.tiers");
		});
	}

	@Test
	void anInvalidTierExpressionOrWaitTimeFailsStartUpNamingTheMethod() {
		this.runner.withPropertyValues("redis.patterns.rate-limit.policies.tiered.algorithm=gcra",
				"redis.patterns.rate-limit.policies.tiered.limit=1", "redis.patterns.rate-limit.policies.tiered.window=1m",
				"redis.patterns.rate-limit.policies.tiered.tiers.gold.limit=2")
			.withBean(RateLimitTestServices.BrokenTier.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("BrokenTier.call")
					.hasMessageContaining("#plan +");
			});
		this.runner.withBean(RateLimitTestServices.BadWaitTime.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("BadWaitTime.call")
				.hasMessageContaining("waitTime 'soon'");
		});
	}

	@Test
	void overridesCanBeSwitchedOffAndTheirSettingsAreChecked() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(RateLimitOverrides.class));
		this.runner.withPropertyValues("redis.patterns.rate-limit.overrides.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(RateLimitOverrides.class);
			assertThat(context.getBean(RedisRateLimiter.class).overrides()).isNull();
		});
		assertStartUpFails("redis.patterns.rate-limit.overrides.refresh-interval",
				"redis.patterns.rate-limit.overrides.refresh-interval=0s");
		assertStartUpFails("redis.patterns.rate-limit.overrides.max-entries",
				"redis.patterns.rate-limit.overrides.max-entries=0");
	}

	private void assertStartUpFails(String property, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(property);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CountedConfiguration {

		@Bean
		RateLimitTestServices.Counted counted() {
			return new RateLimitTestServices.Counted();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomLimiter {

		@Bean
		RateLimiter customLimiter(dev.redispatterns.core.RedisConnector connector) {
			return dev.redispatterns.ratelimit.RedisRateLimiter.builder(connector)
				.policy(RateLimitPolicy.of("custom", RateLimitAlgorithm.FIXED_WINDOW, 7, java.time.Duration.ofMinutes(1)))
				.policy(RateLimitPolicy.of("api", RateLimitAlgorithm.FIXED_WINDOW, 7, java.time.Duration.ofMinutes(1)))
				.policy(RateLimitPolicy.of("global", RateLimitAlgorithm.FIXED_WINDOW, 7, java.time.Duration.ofMinutes(1)))
				.build();
		}

	}

	private long evalshaCalls() {
		Object info = this.redis.command("INFO", "commandstats");
		String text = (info instanceof byte[] bytes) ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
				: String.valueOf(info);
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("cmdstat_evalsha:calls=(\\d+)").matcher(text);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

}
