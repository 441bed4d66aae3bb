package dev.redispatterns.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.core.KeyExpressionException;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mistakes in {@code @DistributedLock} fail the application's start-up, naming the method.
 */
@RedisTest
class DistributedLockStartupTests {

	private final ApplicationContextRunner runner;

	DistributedLockStartupTests(RedisDeployment redis) {
		this.runner = LockApplications.runner(redis);
	}

	@Test
	void invalidKeyExpressionFailsStartUp() {
		this.runner.withBean(BadExpression.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof KeyExpressionException)) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(KeyExpressionException.class)
				.hasMessageContaining("'order:' +")
				.hasMessageContaining("BadExpression.work");
		});
	}

	@Test
	void invalidDurationFailsStartUp() {
		this.runner.withBean(BadDuration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("BadDuration.work")
				.hasMessageContaining("waitTime 'soon'");
		});
	}

	@Test
	void unresolvablePlaceholderFailsStartUpAndResolvedOnesAreUsed() {
		this.runner.withBean(PlaceholderDuration.class)
			.run((context) -> assertThat(context).hasFailed());
		this.runner.withBean(PlaceholderDuration.class)
			.withPropertyValues("jobs.lock-wait=250ms")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void futuresThatAreNotCompletionStagesAreRefused() {
		this.runner.withBean(PlainFuture.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("PlainFuture.work")
				.hasMessageContaining("released before the work is done");
		});
	}

	@Test
	void skipIfLockedOnAPrimitiveResultIsRefused() {
		this.runner.withBean(SkippedPrimitive.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("SkippedPrimitive.work")
				.hasMessageContaining("skipIfLocked");
		});
	}

	@Test
	void validMethodsStartFine() {
		this.runner.withUserConfiguration(LockApplications.Services.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	public static class BadExpression {

		@DistributedLock(key = "'order:' + ")
		public void work() {
		}

	}

	public static class BadDuration {

		@DistributedLock(key = "'x'", waitTime = "soon")
		public void work() {
		}

	}

	public static class PlaceholderDuration {

		@DistributedLock(key = "'x'", waitTime = "${jobs.lock-wait}")
		public void work() {
		}

	}

	public static class PlainFuture {

		@DistributedLock(key = "'x'")
		public Future<String> work() {
			return CompletableFuture.completedFuture("x");
		}

	}

	public static class SkippedPrimitive {

		@DistributedLock(key = "'x'", skipIfLocked = true)
		public int work() {
			return 1;
		}

	}

}
