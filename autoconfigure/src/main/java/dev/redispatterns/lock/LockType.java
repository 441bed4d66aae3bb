package dev.redispatterns.lock;

import java.util.Locale;

/**
 * Kinds of lock the {@link LockManager} hands out; a tag on the lock metrics.
 */
public enum LockType {

	/** An exclusive lock: one holder at a time, waiters served in arrival order. */
	EXCLUSIVE,

	/** The shared side of a read-write lock. */
	READ,

	/** The exclusive side of a read-write lock. */
	WRITE,

	/** One permit of a counting semaphore. */
	PERMIT;

	/** Lower-case name used in metric tags and logs. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}
