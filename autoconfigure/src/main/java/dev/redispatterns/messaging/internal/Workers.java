package dev.redispatterns.messaging.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The handler threads of one consumer, and the bound on what its reader may hold in memory: the reader
 * takes a permit for every message before it reads it, a handler returns the permit when it is done. A
 * slow handler therefore slows the reader down instead of growing a buffer.
 */
public final class Workers {

	private final Semaphore permits;

	private final ThreadPoolExecutor executor;

	Workers(ThreadFactory threads, int concurrency, int capacity) {
		this.permits = new Semaphore(capacity);
		// the queue never holds more than the permits allow
		this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), threads);
	}

	/**
	 * Takes between 1 and {@code max} permits, waiting at most {@code timeoutNanos} for the first one.
	 * @return the number taken, 0 when none became free in time
	 */
	int acquire(int max, long timeoutNanos) throws InterruptedException {
		if (!this.permits.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
			return 0;
		}
		int taken = 1;
		while (taken < max && this.permits.tryAcquire()) {
			taken++;
		}
		return taken;
	}

	/** Takes up to {@code max} permits without waiting. */
	int tryAcquire(int max) {
		int taken = 0;
		while (taken < max && this.permits.tryAcquire()) {
			taken++;
		}
		return taken;
	}

	void release(int count) {
		if (count > 0) {
			this.permits.release(count);
		}
	}

	/** Runs {@code task} on a handler thread; the task returns its permit when done. */
	void submit(Runnable task) {
		this.executor.execute(task);
	}

	/**
	 * Lets running handlers finish for at most {@code timeoutNanos}, then interrupts them.
	 * @return whether every handler finished in time
	 */
	boolean shutdown(long timeoutNanos) {
		this.executor.shutdown();
		try {
			if (this.executor.awaitTermination(timeoutNanos, TimeUnit.NANOSECONDS)) {
				return true;
			}
			this.executor.shutdownNow();
			this.executor.awaitTermination(1, TimeUnit.SECONDS);
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.executor.shutdownNow();
			return false;
		}
	}

}
