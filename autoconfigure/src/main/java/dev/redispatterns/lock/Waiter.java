package dev.redispatterns.lock;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.RedisSignals;

/**
 * One thread waiting for a lock. Release signals arrive on Lettuce's I/O thread and only unpark the
 * waiter. For an exclusive lock the signal names the waiter the lock was handed to, so only that one
 * wakes up, already holding the lock; for the other types every waiter wakes and tries again.
 */
final class Waiter implements Consumer<byte[]> {

	private final Thread thread = Thread.currentThread();

	private final byte @Nullable [] grantPrefix;

	private volatile boolean signalled;

	private volatile long grantedFence;

	private RedisSignals.@Nullable Subscription subscription;

	private RedisSignals.@Nullable Subscription grants;

	/**
	 * @param grantPrefix {@code "<token>|"} to wait for a hand-over to this token, or {@code null} to wake
	 * on any signal
	 */
	Waiter(byte @Nullable [] grantPrefix) {
		this.grantPrefix = grantPrefix;
	}

	void subscribed(RedisSignals.Subscription subscription) {
		this.subscription = subscription;
	}

	/** The channel that tells this instance alone of hand-overs to it. */
	void subscribedToGrants(RedisSignals.Subscription grants) {
		this.grants = grants;
	}

	/** Whether every signal meant for this waiter reaches it. */
	boolean isSubscribed() {
		return this.subscription != null && (this.grantPrefix == null || this.grants != null);
	}

	@Override
	public void accept(byte[] message) {
		byte[] prefix = this.grantPrefix;
		if (prefix != null) {
			if (message.length <= prefix.length) {
				return;
			}
			for (int i = 0; i < prefix.length; i++) {
				if (message[i] != prefix[i]) {
					return;
				}
			}
			long fence = 0;
			for (int i = prefix.length; i < message.length; i++) {
				int digit = message[i] - '0';
				if (digit < 0 || digit > 9) {
					return;
				}
				fence = fence * 10 + digit;
			}
			this.grantedFence = fence;
		}
		this.signalled = true;
		LockSupport.unpark(this.thread);
	}

	/**
	 * Parks until a signal arrives, the thread is interrupted or {@code nanos} passed.
	 * @return whether a signal arrived
	 */
	boolean await(long nanos) {
		long deadline = System.nanoTime() + nanos;
		while (!this.signalled) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0 || this.thread.isInterrupted()) {
				break;
			}
			LockSupport.parkNanos(this, remaining);
		}
		boolean signal = this.signalled;
		this.signalled = false;
		return signal;
	}

	/** The fencing token of a hand-over to this waiter, or 0. */
	long grantedFence() {
		return this.grantedFence;
	}

	void close() {
		RedisSignals.Subscription current = this.subscription;
		if (current != null) {
			current.close();
			this.subscription = null;
		}
		RedisSignals.Subscription own = this.grants;
		if (own != null) {
			own.close();
			this.grants = null;
		}
	}

}
