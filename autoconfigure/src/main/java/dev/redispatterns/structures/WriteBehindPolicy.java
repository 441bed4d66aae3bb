package dev.redispatterns.structures;

import java.time.Duration;

/**
 * How one write-behind counter is flushed.
 * @param flushInterval time between flushes
 * @param leaseTime how long a flushing instance owns a batch; a batch not acknowledged by then (its
 * instance died mid-flush) is handed to another instance. Keep it well above the sink's worst duration.
 * @param retention how long pending deltas survive when no instance flushes them at all
 */
public record WriteBehindPolicy(Duration flushInterval, Duration leaseTime, Duration retention) {

	public WriteBehindPolicy {
		if (flushInterval.isNegative() || flushInterval.isZero()) {
			throw new IllegalArgumentException("flushInterval must be positive");
		}
		if (leaseTime.isNegative() || leaseTime.isZero()) {
			throw new IllegalArgumentException("leaseTime must be positive");
		}
		if (retention.compareTo(leaseTime) <= 0) {
			throw new IllegalArgumentException("retention must be longer than leaseTime");
		}
	}

	/** Flush every 10 seconds, 30-second leases, pending deltas kept for 7 days. */
	public static WriteBehindPolicy defaults() {
		return new WriteBehindPolicy(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofDays(7));
	}

}
