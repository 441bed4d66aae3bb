package dev.redispatterns.lock;

import java.util.List;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Calls several listeners in order and keeps a failing one from breaking an acquisition, a release or
 * the other listeners.
 */
final class GuardedLockListener implements LockListener {

	private static final Log logger = LogFactory.getLog(GuardedLockListener.class);

	private final LockListener[] listeners;

	GuardedLockListener(List<? extends LockListener> listeners) {
		this.listeners = listeners.toArray(new LockListener[0]);
	}

	static LockListener of(LockListener listener) {
		return (listener == LockListener.NONE || listener instanceof GuardedLockListener) ? listener
				: new GuardedLockListener(List.of(listener));
	}

	// one loop per event rather than a shared loop over a lambda: no capturing lambda allocated per event
	@Override
	public void onAcquisition(String name, LockType type, Outcome outcome, long waitNanos) {
		for (LockListener listener : this.listeners) {
			try {
				listener.onAcquisition(name, type, outcome, waitNanos);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	@Override
	public void onReleased(String name, LockType type, long heldNanos) {
		for (LockListener listener : this.listeners) {
			try {
				listener.onReleased(name, type, heldNanos);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	@Override
	public void onReleaseFailed(String name, LockType type, Throwable failure) {
		each((listener) -> listener.onReleaseFailed(name, type, failure));
	}

	@Override
	public void onRenewed(String name, LockType type) {
		each((listener) -> listener.onRenewed(name, type));
	}

	@Override
	public void onRenewalFailed(String name, LockType type, Throwable failure) {
		each((listener) -> listener.onRenewalFailed(name, type, failure));
	}

	@Override
	public void onLost(String name, LockType type) {
		each((listener) -> listener.onLost(name, type));
	}

	private static void failed(LockListener listener, RuntimeException ex) {
		logger.warn("Lock listener " + listener + " failed", ex);
	}

	private void each(Consumer<LockListener> call) {
		for (LockListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

}
