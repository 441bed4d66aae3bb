package dev.redispatterns.lock;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.lock.LockNotAcquiredException.Reason;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @DistributedLock} on the methods of a bean, against a real Redis.
 */
@RedisTest
class DistributedLockAdviceTests {

	private static final LockRequest NOW = new LockRequest(Duration.ZERO, Duration.ofSeconds(30), "test");

	private final ApplicationContextRunner runner;

	DistributedLockAdviceTests(RedisDeployment redis) {
		redis.flushAll();
		this.runner = LockApplications.runner(redis).withUserConfiguration(LockApplications.Services.class);
	}

	@Test
	void reentrantCallsShareTheLockAndReleaseAtTheOutermostExit() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			LockManager locks = context.getBean(LockManager.class);
			List<Long> fences = CompletableFuture.supplyAsync(() -> service.outer("a")).get(10, TimeUnit.SECONDS);
			assertThat(fences).as("inner call re-entered the outer lock").containsExactly(fences.get(0), fences.get(0),
					fences.get(0));
			assertThat(locks.tryLock("reentrant:a", NOW)).as("released at the outermost exit").isPresent();
		});
	}

	@Test
	void aKeyChosenByACallerCannotBeAnotherLocksName() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			try (LockHandle order = context.getBean(LockManager.class).lock("order:42", NOW)) {
				assertThat(service.byCode("order:42", () -> "ran")).as("not the lock named order:42").isEqualTo("ran");
			}
			String nightly = LockedService.class.getName() + ".nightly";
			assertThat(service.byCode(nightly, () -> CompletableFuture.supplyAsync(service::nightly).join()))
				.as("the skip-if-locked job still runs while a caller holds its name as a key")
				.isEqualTo("ran");
		});
	}

	@Test
	void lockIsReleasedWhenTheMethodThrows() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			assertThatThrownBy(service::failing).isInstanceOf(IllegalStateException.class).hasMessage("boom");
			assertThat(context.getBean(LockManager.class).tryLock(LockedService.lockName("failing", "failing"), NOW)).isPresent();
		});
	}

	@Test
	void fencingTokenOfTheHeldLockIsAvailableInsideTheMethodAndIncreases() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			long first = service.fence("x");
			long second = service.fence("x");
			assertThat(second).isGreaterThan(first);
			assertThatThrownBy(LockContext::current).as("outside the method").isInstanceOf(IllegalStateException.class);
			assertThat(LockContext.find()).isEmpty();
		});
	}

	@Test
	void lockedJobsAreSkippedQuietly() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			assertThat(service.job()).isEqualTo("ran");
			try (LockHandle held = context.getBean(LockManager.class).lock("job:run", NOW)) {
				long start = System.nanoTime();
				assertThat(service.job()).as("skipped").isNull();
				assertThat(service.optionalJob()).isEmpty();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("skipping does not wait")
					.isLessThan(Duration.ofSeconds(2));
			}
			assertThat(service.optionalJob()).contains("ran");
		});
	}

	@Test
	void waitTimeOfTheAnnotationIsHonoured() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			try (LockHandle held = context.getBean(LockManager.class).lock(LockedService.lockName("waiting", "waiting"), NOW)) {
				long start = System.nanoTime();
				assertThatThrownBy(service::waiting).isInstanceOfSatisfying(LockNotAcquiredException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(Reason.TIMEOUT));
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400))
					.isLessThan(Duration.ofMillis(400 + 2000));
			}
		});
	}

	@Test
	void perLockPropertiesOverrideTheDefaults() {
		this.runner.withPropertyValues("redis.patterns.lock.default-wait-time=30s",
				"redis.patterns.lock.locks.configured.wait-time=0s")
			.run((context) -> {
				LockedService service = context.getBean(LockedService.class);
				try (LockHandle held = context.getBean(LockManager.class).lock("configured:configured", NOW)) {
					long start = System.nanoTime();
					assertThatThrownBy(service::configured).isInstanceOf(LockNotAcquiredException.class);
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
				}
			});
	}

	@Test
	void completableFutureMethodsHoldTheLockUntilCompletion() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			LockManager locks = context.getBean(LockManager.class);
			CompletableFuture<String> gate = new CompletableFuture<>();
			CompletableFuture<String> result = service.async(gate);
			assertThat(locks.tryLock(LockedService.lockName("async", "async"), NOW)).as("held while incomplete").isEmpty();
			gate.complete("done");
			assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("done!");
			Eventually.await("released after completion", Duration.ofSeconds(5),
					() -> isFree(locks, LockedService.lockName("async", "async")));
		});
	}

	@Test
	void monoAndFluxMethodsHoldTheLockFromSubscriptionToTermination() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			LockManager locks = context.getBean(LockManager.class);
			Sinks.One<String> gate = Sinks.one();
			Mono<String> mono = service.mono(gate.asMono());
			assertThat(isFree(locks, LockedService.lockName("mono", "mono"))).as("nothing held before subscription").isTrue();
			CompletableFuture<String> result = mono.toFuture();
			Eventually.await("held after subscription", Duration.ofSeconds(5), () -> !isFree(locks, LockedService.lockName("mono", "mono")));
			gate.tryEmitValue("done");
			assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("done!");
			Eventually.await("released after completion", Duration.ofSeconds(5),
					() -> isFree(locks, LockedService.lockName("mono", "mono")));

			assertThat(service.flux(Flux.just(1L, 2L)).collectList().block(Duration.ofSeconds(5))).containsExactly(2L,
					3L);
			assertThat(isFree(locks, LockedService.lockName("flux", "flux"))).isTrue();
		});
	}

	@Test
	void metricsUseTheBoundedLockNameNeverTheEvaluatedKey() {
		this.runner.withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class).run((context) -> {
			context.getBean(LockedService.class).order(4711);
			io.micrometer.core.instrument.MeterRegistry registry = context
				.getBean(io.micrometer.core.instrument.MeterRegistry.class);
			assertThat(registry.get(dev.redispatterns.observability.LockMetrics.ACQUISITIONS)
				.tag("name", "'order:' + #id")
				.tag("type", "exclusive")
				.tag("outcome", "acquired")
				.counter()
				.count()).isEqualTo(1.0);
			assertThat(registry.get(dev.redispatterns.observability.LockMetrics.HELD)
				.tag("name", "'order:' + #id")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.getMeters()).flatExtracting((meter) -> meter.getId().getTags())
				.noneMatch((tag) -> tag.getValue().contains("4711"));
		});
	}

	/** Whether the lock is free right now; takes and releases it if so. */
	private static boolean isFree(LockManager locks, String name) {
		return locks.tryLock(name, NOW).map(LockHandle::unlock).orElse(false);
	}

	@Test
	void skippedResultsMatchTheReturnType() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			try (LockHandle held = context.getBean(LockManager.class).lock("job:run", NOW)) {
				assertThat(service.optionalJob()).isEqualTo(Optional.empty());
			}
		});
	}

}
