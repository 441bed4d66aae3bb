package dev.redispatterns.lock;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The locks held by the current call chain through {@link DistributedLock} methods. Inside such a method,
 * {@code LockContext.current().fencingToken()} is the token to pass to a store that fences writes.
 * <p>
 * The context follows the synchronous call only: code that continues on another thread (a
 * {@code CompletableFuture} stage, a reactive operator) should capture the handle first.
 */
public final class LockContext {

	private static final ThreadLocal<@Nullable Frame> FRAMES = new ThreadLocal<>();

	private LockContext() {
	}

	/**
	 * The innermost lock held by the current call.
	 * @throws IllegalStateException if the code does not run inside a {@code @DistributedLock} method
	 */
	public static LockHandle current() {
		Frame frame = FRAMES.get();
		if (frame == null) {
			throw new IllegalStateException(
					"No lock is held here: LockContext.current() works inside methods annotated with @DistributedLock");
		}
		return frame.handle;
	}

	/** The innermost lock held by the current call, if any. */
	public static Optional<LockHandle> find() {
		Frame frame = FRAMES.get();
		return (frame != null) ? Optional.of(frame.handle) : Optional.empty();
	}

	/** A still-held lock of this name and type in the current call chain, for reentrancy. */
	static @Nullable LockHandle held(String name, LockType type) {
		for (Frame frame = FRAMES.get(); frame != null; frame = frame.parent) {
			LockHandle handle = frame.handle;
			if (handle.type() == type && handle.name().equals(name) && handle.isHeld()) {
				return handle;
			}
		}
		return null;
	}

	static void push(LockHandle handle) {
		FRAMES.set(new Frame(handle, FRAMES.get()));
	}

	static void pop() {
		Frame frame = FRAMES.get();
		// set(null), not remove(): removing made every next call's get() insert the thread's entry again
		FRAMES.set((frame != null) ? frame.parent : null);
	}

	private record Frame(LockHandle handle, @Nullable Frame parent) {
	}

}
