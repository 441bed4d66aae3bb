package dev.redispatterns.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One acquisition of a lock. Ownership belongs to this handle's unique token, not to a thread: the handle
 * may be passed to another thread, a virtual thread or a reactive continuation and released there.
 * Closing the handle releases the lock, so it fits try-with-resources:
 *
 * <pre class="code">
 * try (LockHandle lock = locks.lock("order:" + id, Duration.ofSeconds(5), null)) {
 *     orders.save(order, lock.fencingToken());
 * }
 * </pre>
 *
 * A lease can run out while the holder still works (a long GC pause, a network partition). The handle
 * notices as soon as a renewal finds the lock gone ({@link #isHeld()}, {@link #onLost}), but code that was
 * paused cannot notice in time. Pass {@link #fencingToken()} with every write to a store that rejects
 * tokens lower than the highest it has seen, and a stale holder's writes are refused.
 */
public interface LockHandle extends AutoCloseable {

	/** The lock's name, as given to the {@link LockManager} (for example the evaluated key). */
	String name();

	LockType type();

	/**
	 * A number that is strictly greater than that of every earlier acquisition of the same lock (for a
	 * read-write lock: of either side). Roughly the Redis server time in microseconds at acquisition.
	 */
	long fencingToken();

	/**
	 * Whether this handle still holds the lock as far as the client can tell: not released, no renewal
	 * found it lost, and its lease has not run out by the client's own conservative clock. Costs no
	 * round trip.
	 */
	boolean isHeld();

	/**
	 * Releases the lock if this handle still owns it. Never throws: failures (Redis unreachable) are
	 * logged and reported to the metrics, and the lease then runs out by itself.
	 * @return whether this call released the lock
	 */
	boolean unlock();

	/**
	 * Releases the lock now if it has been held for at least {@code holdAtLeast}; otherwise keeps it
	 * until that time has passed since the acquisition and lets its lease run out then. Scheduled jobs use
	 * it so that instances whose clocks or schedulers lag a little still skip the tick that already ran.
	 * @return whether the lock was released or set to run out by this call
	 */
	boolean unlock(Duration holdAtLeast);

	/** Releases the lock without blocking the calling thread; completes with {@link #unlock()}'s result. */
	CompletableFuture<Boolean> unlockAsync();

	/**
	 * Registers a callback for the moment a renewal finds that the lock was lost (the key expired or was
	 * taken over). It runs at most once, on the watchdog's thread, and at once if the lock is already lost.
	 * On the watchdog's thread it runs in the context (MDC, trace) of the caller that acquired the lock, as
	 * the application's {@code TaskDecorator} captured it.
	 */
	void onLost(Consumer<LockHandle> listener);

	/** Same as {@link #unlock()}. */
	@Override
	void close();

}
