package dev.redispatterns.lock;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisPatternsException;

/**
 * A lock could not be acquired within its wait time, so the guarded code did not run. Locks fail closed:
 * this is also thrown when Redis cannot be reached ({@link Reason#UNAVAILABLE}).
 */
public class LockNotAcquiredException extends RedisPatternsException {

	/** Why the lock was not acquired. */
	public enum Reason {

		/** Another holder kept the lock for the whole wait time. */
		TIMEOUT,

		/** Redis could not be reached or did not answer in time. */
		UNAVAILABLE,

		/** The lock was taken, but fewer replicas than required confirmed it; it was released again. */
		REPLICAS,

		/** The waiting thread was interrupted. */
		INTERRUPTED

	}

	private final String lockName;

	private final Reason reason;

	private final Duration waited;

	public LockNotAcquiredException(String lockName, Reason reason, Duration waited, @Nullable Throwable cause) {
		super(message(lockName, reason, waited, cause), cause);
		this.lockName = lockName;
		this.reason = reason;
		this.waited = waited;
	}

	private static String message(String lockName, Reason reason, Duration waited, @Nullable Throwable cause) {
		String detail = switch (reason) {
			case TIMEOUT -> "held by another owner for the whole wait time";
			case UNAVAILABLE -> "Redis unavailable";
			case REPLICAS -> "not confirmed by enough replicas";
			case INTERRUPTED -> "interrupted while waiting";
		};
		return "Lock '" + lockName + "' not acquired after " + waited.toMillis() + " ms: " + detail
				+ ((cause != null && cause.getMessage() != null) ? " (" + cause.getMessage() + ")" : "");
	}

	public String lockName() {
		return this.lockName;
	}

	public Reason reason() {
		return this.reason;
	}

	/** How long the caller waited before giving up. */
	public Duration waited() {
		return this.waited;
	}

}
