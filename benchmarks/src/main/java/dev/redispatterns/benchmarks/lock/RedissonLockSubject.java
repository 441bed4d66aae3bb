package dev.redispatterns.benchmarks.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * Redisson's {@code RLock} used the common way: {@code tryLock(wait)} without a lease time (its watchdog
 * renews the lease), {@code unlock()} from the same thread. Waiters subscribe to the lock's channel.
 */
public final class RedissonLockSubject implements LockSubject {

	private final RedissonClient redisson;

	public RedissonLockSubject(CellContext context) {
		this.redisson = Clients.redisson(context);
	}

	@Override
	public @Nullable Object acquire(String name, Duration maxWait) throws InterruptedException {
		RLock lock = this.redisson.getLock(name);
		return lock.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS) ? lock : null;
	}

	@Override
	public void release(Object handle) {
		((RLock) handle).unlock();
	}

	@Override
	public void close() {
		this.redisson.shutdown();
	}

}
