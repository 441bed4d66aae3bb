package dev.redispatterns.lock;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Hands out distributed locks. Every successful acquisition returns a new {@link LockHandle} with its own
 * owner token and a fencing token; handles are not reentrant by themselves ({@link DistributedLock}
 * methods are). The {@code try...} methods return an empty {@code Optional} when the lock could not be
 * had; the others throw {@link LockNotAcquiredException}. Both fail closed when Redis is unreachable.
 * <p>
 * {@code name} identifies the lock (for example {@code "order:" + id}). An exclusive lock, a read-write lock
 * and a semaphore of the same name are three distinct locks; the two sides of a read-write lock share one
 * sequence of fencing tokens.
 */
public interface LockManager {

	/** Acquires an exclusive lock; waiters are served in arrival order. */
	Optional<LockHandle> tryLock(String name, LockRequest options);

	/**
	 * Acquires an exclusive lock or throws.
	 * @throws LockNotAcquiredException if it could not be had within the wait time
	 */
	LockHandle lock(String name, LockRequest options);

	/** Acquires the shared side of the read-write lock {@code name}. */
	Optional<LockHandle> tryReadLock(String name, LockRequest options);

	/** @throws LockNotAcquiredException if it could not be had within the wait time */
	LockHandle readLock(String name, LockRequest options);

	/** Acquires the exclusive side of the read-write lock {@code name}. */
	Optional<LockHandle> tryWriteLock(String name, LockRequest options);

	/** @throws LockNotAcquiredException if it could not be had within the wait time */
	LockHandle writeLock(String name, LockRequest options);

	/**
	 * Takes one of the {@code permits} permits of the semaphore {@code name}. Every user of a semaphore
	 * must pass the same number of permits.
	 */
	Optional<LockHandle> tryAcquirePermit(String name, int permits, LockRequest options);

	/** @throws LockNotAcquiredException if no permit became free within the wait time */
	LockHandle acquirePermit(String name, int permits, LockRequest options);

	/**
	 * Acquires an exclusive lock with a fixed lease, or with watchdog renewal when {@code leaseTime} is
	 * {@code null}.
	 */
	default Optional<LockHandle> tryLock(String name, Duration waitTime, @Nullable Duration leaseTime) {
		return tryLock(name, new LockRequest(waitTime, leaseTime, LockRequest.UNNAMED));
	}

	/** @throws LockNotAcquiredException if it could not be had within the wait time */
	default LockHandle lock(String name, Duration waitTime, @Nullable Duration leaseTime) {
		return lock(name, new LockRequest(waitTime, leaseTime, LockRequest.UNNAMED));
	}

}
