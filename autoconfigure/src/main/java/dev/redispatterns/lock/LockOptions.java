package dev.redispatterns.lock;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How one acquisition behaves: how long to wait, which lease to take, and the name its metrics are
 * recorded under.
 *
 * @param waitTime longest wait for the lock; zero tries once
 * @param leaseTime lease of the lock; {@code null} lets the watchdog keep a shorter lease alive for as
 * long as the handle is held
 * @param metricName bounded name for metrics (a lock "kind" such as {@code checkout}), never an evaluated
 * key such as {@code order:4711}
 */
public record LockOptions(Duration waitTime, @Nullable Duration leaseTime, String metricName) {

	/** Metric name of acquisitions that did not name one. */
	public static final String UNNAMED = "unnamed";

	public LockOptions {
		Objects.requireNonNull(waitTime, "waitTime");
		Objects.requireNonNull(metricName, "metricName");
		if (waitTime.isNegative()) {
			throw new IllegalArgumentException("waitTime must not be negative: " + waitTime);
		}
		if (leaseTime != null && (leaseTime.isNegative() || leaseTime.toMillis() < 1)) {
			throw new IllegalArgumentException("leaseTime must be at least 1 ms: " + leaseTime);
		}
	}

	/** Tries once, watchdog lease, unnamed metrics. */
	public static LockOptions immediate() {
		return new LockOptions(Duration.ZERO, null, UNNAMED);
	}

	public static LockOptions waitFor(Duration waitTime) {
		return new LockOptions(waitTime, null, UNNAMED);
	}

	public LockOptions withWaitTime(Duration waitTime) {
		return new LockOptions(waitTime, this.leaseTime, this.metricName);
	}

	/** A fixed lease, or {@code null} for watchdog renewal. */
	public LockOptions withLeaseTime(@Nullable Duration leaseTime) {
		return new LockOptions(this.waitTime, leaseTime, this.metricName);
	}

	public LockOptions withMetricName(String metricName) {
		return new LockOptions(this.waitTime, this.leaseTime, metricName);
	}

}
