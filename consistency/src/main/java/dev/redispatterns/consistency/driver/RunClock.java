package dev.redispatterns.consistency.driver;

/** The driver's monotonic clock: nanoseconds since the run started, and where that lies on the wall clock. */
final class RunClock {

	private final long zero = System.nanoTime();

	private final double wallClockAtZero;

	RunClock() {
		long wall = System.currentTimeMillis();
		this.wallClockAtZero = wall - (System.nanoTime() - this.zero) / 1e6;
	}

	long now() {
		return System.nanoTime() - this.zero;
	}

	/** Epoch milliseconds (the clock Redis {@code TIME} reads on this machine) at time 0. */
	double wallClockAtZero() {
		return this.wallClockAtZero;
	}

}
