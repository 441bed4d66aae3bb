package dev.redispatterns.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis.patterns.lock.watchdog.interrupt-holder}: a {@code @DistributedLock} method whose lock is lost
 * behind its back (the key deleted; the watchdog's next renewal finds it gone) is interrupted only when the
 * setting is on, also after a re-entrant call on the same lock has returned.
 */
@RedisTest
class DistributedLockInterruptTests {

	private static final RedisKeys KEYS = new RedisKeys("rp");

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	DistributedLockInterruptTests(RedisDeployment redis) {
		redis.flushAll();
		this.redis = redis;
		// renewals every 2 s: a lost lock is noticed within about 2 s, a late renewal has 4 s to spare
		this.runner = LockApplications.runner(redis)
			.withUserConfiguration(LockApplications.Services.class)
			.withPropertyValues("redis.patterns.lock.watchdog.lease=6s");
	}

	@Test
	void interruptHolderInterruptsTheMethodWhoseLockIsLost() {
		this.runner.withPropertyValues("redis.patterns.lock.watchdog.interrupt-holder=true")
			.run((context) -> assertThat(loseWhileHolding(context.getBean(LockedService.class), "a", false))
				.isEqualTo("interrupted"));
	}

	@Test
	void withoutInterruptHolderTheMethodRunsOnAfterItsLockIsLost() {
		this.runner.run((context) -> assertThat(loseWhileHolding(context.getBean(LockedService.class), "b", false))
			.as("lost (the onLost callback ran, after any interrupt would have) but not interrupted")
			.isEqualTo("lost"));
	}

	@Test
	void interruptHolderStillInterruptsAfterAReentrantCallReturned() {
		this.runner.withPropertyValues("redis.patterns.lock.watchdog.interrupt-holder=true")
			.run((context) -> assertThat(loseWhileHolding(context.getBean(LockedService.class), "c", true))
				.isEqualTo("interrupted"));
	}

	/** Runs the guarded method on a thread of its own, deletes its lock once it holds it, returns its verdict. */
	private String loseWhileHolding(LockedService service, String id, boolean reenter) throws Exception {
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<String> verdict = new CompletableFuture<>();
		Thread holder = new Thread(() -> {
			try {
				verdict.complete(service.holdUntilLost(id, reenter, holding));
			}
			catch (Throwable ex) {
				verdict.completeExceptionally(ex);
			}
		});
		holder.start();
		assertThat(holding.await(30, TimeUnit.SECONDS)).as("method holds the lock").isTrue();
		assertThat(this.redis.command("DEL", KEYS.slotGroup("lock", "watched:" + id).key())).isEqualTo(1L);
		return verdict.get(90, TimeUnit.SECONDS);
	}

}
