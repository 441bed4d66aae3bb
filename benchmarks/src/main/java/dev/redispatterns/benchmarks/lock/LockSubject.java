package dev.redispatterns.benchmarks.lock;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One distributed lock implementation as the lock workloads drive it: acquire a named lock, waiting at
 * most {@code maxWait}, and release it from the same thread.
 */
public interface LockSubject extends AutoCloseable {

	/**
	 * Acquires the lock {@code name}.
	 * @return a handle for {@link #release}, or {@code null} if the lock was not acquired within {@code maxWait}
	 */
	@Nullable Object acquire(String name, Duration maxWait) throws Exception;

	/** Releases a lock acquired by {@link #acquire}. */
	void release(Object handle) throws Exception;

	@Override
	void close() throws Exception;

}
