package dev.redispatterns.lock;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Renews the leases of watched handles: one thread, one sweep per tick over the handles with a renewal
 * ahead, and no sweeping at all while nothing is watched.
 */
final class LockWatchdog {

	/** Logged under the manager's name, which applications configure. */
	private static final Log logger = LogFactory.getLog(RedisLockManager.class);

	private final ScheduledThreadPoolExecutor executor;

	/** Handles with a renewal ahead; one sweep per tick renews those that are due. */
	private final Set<RedisLockHandle> watched = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean sweeping = new AtomicBoolean();

	private final long intervalNanos;

	private final long tickNanos;

	/**
	 * @param intervalNanos how often a watchdog lease is renewed
	 * @param firstRenewalNanos the earliest first renewal (of a short claim lease): ticks are a quarter of it
	 */
	LockWatchdog(ThreadFactory threads, long intervalNanos, long firstRenewalNanos) {
		this.executor = new ScheduledThreadPoolExecutor(1, threads);
		this.intervalNanos = intervalNanos;
		this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
				Math.min(TimeUnit.MILLISECONDS.toNanos(250), firstRenewalNanos / 4));
	}

	long intervalNanos() {
		return this.intervalNanos;
	}

	/** Where renewal replies are handled: the watchdog's own thread. */
	Executor executor() {
		return this.executor;
	}

	/**
	 * Puts a handle under the watchdog. Registration is a set insertion rather than a scheduled task per
	 * lock, so short holds pay next to nothing for it; the sweep runs only while something is watched.
	 */
	void watch(RedisLockHandle handle) {
		this.watched.add(handle);
		if (!this.sweeping.get() && this.sweeping.compareAndSet(false, true)) {
			scheduleSweep();
		}
	}

	void unwatch(RedisLockHandle handle) {
		this.watched.remove(handle);
	}

	/** Held leases are no longer renewed and run out, as if the process had died. */
	void shutdown() {
		this.executor.shutdownNow();
	}

	private void scheduleSweep() {
		try {
			this.executor.schedule(this::sweep, this.tickNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.sweeping.set(false);
		}
	}

	private void sweep() {
		long now = System.nanoTime();
		for (RedisLockHandle handle : this.watched) {
			if (handle.renewalDue(now)) {
				try {
					handle.renew();
				}
				catch (RuntimeException ex) {
					logger.warn("Renewal of a lock of '" + handle.metricName + "' failed", ex);
				}
			}
		}
		if (!this.watched.isEmpty()) {
			scheduleSweep();
			return;
		}
		this.sweeping.set(false);
		if (!this.watched.isEmpty() && this.sweeping.compareAndSet(false, true)) {
			scheduleSweep();
		}
	}

}
