package dev.redispatterns.autoconfigure;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.lock.DistributedLock;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mistakes in {@code @RateLimited} and {@code @DistributedLock} reach Spring Boot's failure analysis with a
 * description naming the method and the attribute or property, and an action.
 */
@RedisTest
class AnnotationFailureAnalysisTests {

	private final ApplicationContextRunner runner;

	AnnotationFailureAnalysisTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					RedisPatternsLockAutoConfiguration.class, AopAutoConfiguration.class,
					TaskSchedulingAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void rateLimitedNamingAnUndefinedPolicy() {
		FailureAnalysis analysis = analysisOf(UndefinedPolicy.class);
		assertThat(analysis.getDescription()).isEqualTo("@RateLimited on " + UndefinedPolicy.class.getName()
				+ ".call: value names policy 'nope', which is not defined under redis.patterns.rate-limit.policies.nope");
		assertThat(analysis.getAction()).isEqualTo("Configure redis.patterns.rate-limit.policies.nope.* (algorithm, "
				+ "limit, window), correct the name, or declare the limit inline with limit and window.");
	}

	@Test
	void rateLimitedWithAnInvalidWaitTime() {
		FailureAnalysis analysis = analysisOf(BadWaitTime.class);
		assertThat(analysis.getDescription())
			.isEqualTo("@RateLimited on " + BadWaitTime.class.getName() + ".call: waitTime 'soon' is not a duration");
		assertThat(analysis.getAction()).isEqualTo("Set waitTime to a duration such as '2s', '250ms' or 'PT1M', or "
				+ "leave it empty to reject at once when the limit is reached.");
	}

	@Test
	void rateLimitedTierOnAPolicyWithoutTiers() {
		FailureAnalysis analysis = analysisOf(TierWithoutTiers.class, "redis.patterns.rate-limit.policies.api.algorithm=fixed-window",
				"redis.patterns.rate-limit.policies.api.limit=5",
				"redis.patterns.rate-limit.policies.api.window=1m");
		assertThat(analysis.getDescription()).isEqualTo("@RateLimited on " + TierWithoutTiers.class.getName()
				+ ".call: tier '#plan' chooses a tier of policy 'api', which has none under "
				+ "redis.patterns.rate-limit.policies.api.tiers");
		assertThat(analysis.getAction()).isEqualTo("Define the tiers under redis.patterns.rate-limit.policies.api"
				+ ".tiers.<tier>.*, or remove the annotation's tier attribute.");
	}

	@Test
	void rateLimitedWithoutAWindow() {
		FailureAnalysis analysis = analysisOf(InlineWithoutWindow.class);
		assertThat(analysis.getDescription())
			.isEqualTo("@RateLimited on " + InlineWithoutWindow.class.getName() + ".call: an inline limit needs a window");
		assertThat(analysis.getAction()).isEqualTo("Set window as well, e.g. window = \"1m\".");
	}

	@Test
	void distributedLockReturningAPlainFuture() {
		FailureAnalysis analysis = analysisOf(PlainFuture.class);
		assertThat(analysis.getDescription()).isEqualTo("@DistributedLock on " + PlainFuture.class.getName()
				+ ".work: returns a Future that is not a CompletionStage: the lock would be released before the work "
				+ "is done");
		assertThat(analysis.getAction()).isEqualTo("Return a CompletableFuture (or another CompletionStage) instead.");
	}

	@Test
	void distributedLockWithAnInvalidDuration() {
		FailureAnalysis analysis = analysisOf(BadLeaseTime.class);
		assertThat(analysis.getDescription())
			.isEqualTo("@DistributedLock on " + BadLeaseTime.class.getName() + ".work: leaseTime 'long' is not a duration");
		assertThat(analysis.getAction()).isEqualTo(
				"Set leaseTime to a duration such as '5s', '250ms' or 'PT1M', or leave it empty for the default.");
	}

	@Test
	void distributedLockWithAnUnresolvablePlaceholder() {
		FailureAnalysis analysis = analysisOf(UnresolvedPlaceholder.class);
		assertThat(analysis.getDescription()).isEqualTo("@DistributedLock on " + UnresolvedPlaceholder.class.getName()
				+ ".work: waitTime '${jobs.lock-wait}' has a placeholder that cannot be resolved");
		assertThat(analysis.getAction())
			.isEqualTo("Define the property it names, or give the placeholder a default, e.g. ${name:5s}.");
	}

	@Test
	void distributedLockSkippingAPrimitiveResult() {
		FailureAnalysis analysis = analysisOf(SkippedPrimitive.class);
		assertThat(analysis.getDescription()).isEqualTo("@DistributedLock on " + SkippedPrimitive.class.getName()
				+ ".work: skipIfLocked needs a method returning void or an object, not int: a skipped call has nothing "
				+ "to return");
		assertThat(analysis.getAction())
			.isEqualTo("Return void or an object type (e.g. Integer instead of int), or remove skipIfLocked.");
	}

	private FailureAnalysis analysisOf(Class<?> bean, String... properties) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		Throwable[] failure = new Throwable[1];
		this.runner.withPropertyValues(properties).withBean(bean).run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = context.getStartupFailure();
			analysis[0] = new RedisPatternsConfigurationFailureAnalyzer().analyze(failure[0]);
		});
		assertThat(analysis[0]).as("failure analysis of %s", failure[0]).isNotNull();
		return analysis[0];
	}

	public static class UndefinedPolicy {

		@RateLimited("nope")
		public void call() {
		}

	}

	public static class BadWaitTime {

		@RateLimited(limit = 5, window = "1m", waitTime = "soon")
		public void call() {
		}

	}

	public static class TierWithoutTiers {

		@RateLimited(value = "api", tier = "#plan")
		public void call(String plan) {
		}

	}

	public static class InlineWithoutWindow {

		@RateLimited(limit = 5)
		public void call() {
		}

	}

	public static class PlainFuture {

		@DistributedLock(key = "'x'")
		public Future<String> work() {
			return CompletableFuture.completedFuture("x");
		}

	}

	public static class BadLeaseTime {

		@DistributedLock(key = "'x'", leaseTime = "long")
		public void work() {
		}

	}

	public static class UnresolvedPlaceholder {

		@DistributedLock(key = "'x'", waitTime = "${jobs.lock-wait}")
		public void work() {
		}

	}

	public static class SkippedPrimitive {

		@DistributedLock(key = "'x'", skipIfLocked = true)
		public int work() {
			return 1;
		}

	}

}
