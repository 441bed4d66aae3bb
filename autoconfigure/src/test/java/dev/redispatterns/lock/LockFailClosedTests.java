package dev.redispatterns.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.lock.LockNotAcquiredException.Reason;
import dev.redispatterns.observability.LockMetrics;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Locks fail closed: with Redis down nothing is acquired and no guarded code runs, within bounded time;
 * a release that cannot reach Redis never turns a method's result into an error.
 */
@RedisTest(process = true)
class LockFailClosedTests {

	private static final LockRequest NOW = new LockRequest(Duration.ZERO, Duration.ofSeconds(30), "test");

	private static final Duration BOUND = Duration.ofSeconds(1 + 2);

	private final RedisServerProcess redis;

	private final ApplicationContextRunner runner;

	LockFailClosedTests(RedisServerProcess redis) {
		this.redis = redis;
		this.runner = LockApplications.runner(redis)
			.withUserConfiguration(LockApplications.Services.class)
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("redis.patterns.lock.default-wait-time=3s", "redis.patterns.lock.watchdog.lease=1s");
	}

	@Test
	void withRedisStoppedNothingIsAcquiredAndTheMethodDoesNotRun() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			LockManager locks = context.getBean(LockManager.class);
			assertThat(service.fence("up")).isPositive();
			int runs = LockedService.FENCES.size();
			this.redis.stop();
			try {
				long start = System.nanoTime();
				assertThatThrownBy(() -> service.fence("down")).isInstanceOfSatisfying(LockNotAcquiredException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(Reason.UNAVAILABLE));
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails within the command timeout")
					.isLessThan(BOUND);
				assertThat(LockedService.FENCES).as("method did not run").hasSize(runs);
				start = System.nanoTime();
				assertThat(locks.tryLock("down", NOW)).isEmpty();
				assertThatThrownBy(() -> locks.lock("down", new LockRequest(Duration.ofSeconds(2), null, "test")))
					.isInstanceOf(LockNotAcquiredException.class);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND.multipliedBy(2));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(LockMetrics.ACQUISITIONS).tag("outcome", "unavailable").counters())
					.isNotEmpty();
			}
			finally {
				this.redis.restart();
			}
			Eventually.await("locks work again after the restart", Duration.ofSeconds(15),
					() -> locks.tryLock("up-again", NOW).map(LockHandle::unlock).orElse(false));
		});
	}

	@Test
	void aCallerInterruptedWhileRedisDecidesIsToldInterruptedNotUnavailable() {
		this.runner.run((context) -> {
			LockManager locks = context.getBean(LockManager.class);
			assertThat(locks.tryLock("warm", NOW).map(LockHandle::unlock)).hasValue(true);
			this.redis.pause();
			try {
				CompletableFuture<Throwable> outcome = new CompletableFuture<>();
				AtomicBoolean interruptKept = new AtomicBoolean();
				Thread caller = new Thread(() -> {
					try {
						locks.lock("paused", new LockRequest(Duration.ofSeconds(2), null, "test"));
						outcome.complete(null);
					}
					catch (Throwable ex) {
						interruptKept.set(Thread.currentThread().isInterrupted());
						outcome.complete(ex);
					}
				});
				caller.start();
				// the acquisition's script is on its way to the paused server: the caller waits for the reply
				Eventually.await("the caller waits for Redis's reply", Duration.ofSeconds(10),
						() -> caller.getState() == Thread.State.TIMED_WAITING && waitsForReply(caller));
				caller.interrupt();
				assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(LockNotAcquiredException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INTERRUPTED));
				assertThat(interruptKept).as("the interrupt flag is kept").isTrue();
				assertThat(context.getBean(MeterRegistry.class)
					.get(LockMetrics.ACQUISITIONS)
					.tag("outcome", "interrupted")
					.counters()).isNotEmpty();
			}
			finally {
				this.redis.resume();
			}
		});
	}

	private static boolean waitsForReply(Thread thread) {
		for (StackTraceElement frame : thread.getStackTrace()) {
			if (frame.getClassName().equals("dev.redispatterns.core.RedisConnector")
					&& frame.getMethodName().equals("await")) {
				return true;
			}
		}
		return false;
	}

	@Test
	void releaseFailuresAreCountedNeverThrownOverTheMethodsResult() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			try {
				String result = service.guarded(() -> {
					this.redis.stop();
					return "done";
				});
				assertThat(result).isEqualTo("done");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(LockMetrics.RELEASE_FAILURES).tag("name", "'guarded'").counter().count())
					.isEqualTo(1.0);
			}
			finally {
				this.redis.restart();
			}
		});
	}

	@Test
	void aHolderWhoseRenewalsCannotReachRedisLearnsItLostTheLease() {
		this.runner.run((context) -> {
			LockHandle handle = context.getBean(LockManager.class).lock("watched", Duration.ZERO, null);
			CompletableFuture<LockHandle> lost = new CompletableFuture<>();
			handle.onLost(lost::complete);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Eventually.await("a renewal went through", Duration.ofSeconds(5),
					() -> registry.find(LockMetrics.RENEWALS).tag("outcome", "renewed").counters().size() == 1);
			this.redis.stop();
			try {
				assertThat(lost.get(10, TimeUnit.SECONDS)).isSameAs(handle);
				assertThat(handle.isHeld()).isFalse();
				assertThat(handle.unlock()).as("never throws").isFalse();
				assertThat(registry.get(LockMetrics.LOST).counter().count()).isEqualTo(1.0);
			}
			finally {
				this.redis.restart();
			}
		});
	}

}
