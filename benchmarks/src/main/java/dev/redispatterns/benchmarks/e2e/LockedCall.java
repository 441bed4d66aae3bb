package dev.redispatterns.benchmarks.e2e;

import java.time.Duration;

import dev.redispatterns.benchmarks.lock.LockSubject;

/**
 * A call guarded by a distributed lock, as an annotated method makes it: acquire, run the body, release.
 * The public-path lock workloads drive this shape, so that an annotated method and the engines of the
 * floor and the peers are measured the same way.
 */
public interface LockedCall extends AutoCloseable {

	/**
	 * Runs one call under the lock {@code name}.
	 * @return {@link System#nanoTime()} when the guarded body started (the lock was acquired)
	 * @throws IllegalStateException if the lock was not acquired within {@code maxWait}
	 */
	long call(String name, Duration maxWait) throws Exception;

	@Override
	void close() throws Exception;

	/** Acquire, body, release through a {@link LockSubject}. */
	static LockedCall of(LockSubject subject) {
		return new LockedCall() {

			@Override
			public long call(String name, Duration maxWait) throws Exception {
				Object handle = subject.acquire(name, maxWait);
				if (handle == null) {
					throw new IllegalStateException("lock " + name + " not acquired within " + maxWait);
				}
				long acquired = System.nanoTime();
				subject.release(handle);
				return acquired;
			}

			@Override
			public void close() throws Exception {
				subject.close();
			}

		};
	}

}
