package dev.redispatterns.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces the retries of a command that Redis Cluster refused with {@code TRYAGAIN} (its keys are split between
 * two nodes by a slot migration; nothing ran): a short pause, doubled after each further refusal, until the
 * time allowed for the call, counted from its first attempt, has passed. One instance serves one call.
 */
public final class TryAgainBackoff {

	/** First pause; doubled after each further refusal, up to {@link #MAX_PAUSE_NANOS}. */
	static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final long deadline;

	private long pause = FIRST_PAUSE_NANOS;

	public TryAgainBackoff(Duration within) {
		this.deadline = System.nanoTime() + within.toNanos();
	}

	/**
	 * Returns after the pause when the failure is a {@code TRYAGAIN} refusal and time is left for another
	 * attempt; otherwise (or when the thread is interrupted) throws the failure.
	 */
	public void pauseOrThrow(RedisPatternsException failure) {
		long next = Math.min(this.pause, this.deadline - System.nanoTime());
		if (!RedisConnector.isTryAgain(failure.getCause()) || next <= 0) {
			throw failure;
		}
		LockSupport.parkNanos(next);
		if (Thread.currentThread().isInterrupted()) {
			throw failure;
		}
		this.pause = Math.min(this.pause * 2, MAX_PAUSE_NANOS);
	}

}
