package dev.redispatterns.benchmarks.lock;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.StarterCore;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockListener;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.lock.LockManagerSettings;
import dev.redispatterns.lock.RedisLockManager;

/**
 * This starter's {@link RedisLockManager} with its default settings, one per JVM (its own connection
 * factory, connector and pub/sub signals): {@code tryLock(name, options)} waiting up to the workload's
 * wait time, {@code unlock()} of the handle. The lease is fixed at 30 s, like the floor's {@code PX 30000},
 * so no watchdog takes part; waiters queue in Redis and are handed the lock by the release.
 */
public final class StarterLock implements LockSubject {

	/** Fixed lease, the same as the floor's. */
	static final Duration LEASE = Duration.ofSeconds(30);

	private final StarterCore core;

	private final RedisLockManager locks;

	private volatile LockRequest options;

	public StarterLock(CellContext context) {
		this(context, LEASE, true);
	}

	/**
	 * @param lease fixed lease, or {@code null} for the watchdog (the starter's default)
	 * @param fair whether waiters are served in arrival order (the default) or the releasing instance's own
	 * waiters first
	 */
	public StarterLock(CellContext context, @Nullable Duration lease, boolean fair) {
		this.core = new StarterCore(context);
		this.locks = new RedisLockManager(this.core.connector(), this.core.scripts(), this.core.signals(),
				this.core.keys(), LockManagerSettings.defaults().withFair(fair), LockListener.NONE);
		this.options = new LockRequest(Duration.ZERO, lease, "bench");
	}

	@Override
	public @Nullable Object acquire(String name, Duration maxWait) {
		LockRequest current = this.options;
		if (!current.waitTime().equals(maxWait)) {
			// the workloads use one wait time each: built once, then reused
			current = current.withWaitTime(maxWait);
			this.options = current;
		}
		return this.locks.tryLock(name, current).orElse(null);
	}

	@Override
	public void release(Object handle) {
		if (!((LockHandle) handle).unlock()) {
			throw new IllegalStateException("lock " + ((LockHandle) handle).name() + " was no longer held at release");
		}
	}

	@Override
	public void close() {
		this.locks.destroy();
		this.core.close();
	}

}
