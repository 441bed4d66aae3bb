package dev.redispatterns.lock;

/**
 * Receives what happens to locks, for metrics and logs. Methods are called on the acquiring, releasing
 * or watchdog thread and must return quickly; on the watchdog's thread, in the context (MDC, trace) of the
 * caller that acquired the lock, as the application's {@code TaskDecorator} captured it. {@code name} is the acquisition's bounded metric name
 * ({@link LockRequest#metricName()}), never an evaluated key.
 */
public interface LockListener {

	/** A listener that ignores everything. */
	LockListener NONE = new LockListener() {
	};

	/** Calls {@code listeners} in order; one that throws is logged and does not stop the others. */
	static LockListener composite(java.util.List<? extends LockListener> listeners) {
		return switch (listeners.size()) {
			case 0 -> NONE;
			case 1 -> GuardedLockListener.of(listeners.get(0));
			default -> new GuardedLockListener(listeners);
		};
	}

	/** Outcome of one acquisition. */
	enum Outcome {

		ACQUIRED, TIMEOUT, UNAVAILABLE, REPLICAS, INTERRUPTED;

		// computed once: id() is asked on every acquisition by metrics and observations
		private final String id = name().toLowerCase(java.util.Locale.ROOT);

		public String id() {
			return this.id;
		}

	}

	/** An acquisition ended, after waiting {@code waitNanos}. */
	default void onAcquisition(String name, LockType type, Outcome outcome, long waitNanos) {
	}

	/** A lock was released (or set to run out) after being held for {@code heldNanos}. */
	default void onReleased(String name, LockType type, long heldNanos) {
	}

	/** A release could not be confirmed by Redis; the lease will run out by itself. */
	default void onReleaseFailed(String name, LockType type, Throwable failure) {
	}

	/** The watchdog extended a lease. */
	default void onRenewed(String name, LockType type) {
	}

	/** A renewal could not reach Redis; the watchdog retries while the lease lasts. */
	default void onRenewalFailed(String name, LockType type, Throwable failure) {
	}

	/** A held lock was found lost: a renewal saw another owner or no key, or its lease ran out unrenewed. */
	default void onLost(String name, LockType type) {
	}

}
