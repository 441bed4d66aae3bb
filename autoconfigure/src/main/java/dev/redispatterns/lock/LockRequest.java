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
 * @param fairness how an exclusive lock is handed over when released; {@link Fairness#DEFAULT} follows
 * {@link LockManagerSettings#fair()}
 */
public record LockRequest(Duration waitTime, @Nullable Duration leaseTime, String metricName, Fairness fairness) {

	/** Metric name of acquisitions that did not name one. */
	public static final String UNNAMED = "unnamed";

	/** How a released exclusive lock reaches the next holder. */
	public enum Fairness {

		/** As the lock manager is configured ({@code redis.patterns.lock.fair}). */
		DEFAULT,

		/** In arrival order across all instances. */
		FAIR,

		/**
		 * A waiter of the releasing instance first, in one round trip ({@link LockManagerSettings#LOCAL_HAND_OFFS}
		 * times in a row at most while other instances' waiters are queued); faster under contention from
		 * several threads of each instance, but not in arrival order.
		 */
		NON_FAIR

	}

	/** Options that follow the manager's fairness. */
	public LockRequest(Duration waitTime, @Nullable Duration leaseTime, String metricName) {
		this(waitTime, leaseTime, metricName, Fairness.DEFAULT);
	}

	public LockRequest {
		Objects.requireNonNull(waitTime, "waitTime");
		Objects.requireNonNull(metricName, "metricName");
		Objects.requireNonNull(fairness, "fairness");
		if (waitTime.isNegative()) {
			throw new IllegalArgumentException("waitTime must not be negative: " + waitTime);
		}
		if (leaseTime != null && (leaseTime.isNegative() || leaseTime.toMillis() < 1)) {
			throw new IllegalArgumentException("leaseTime must be at least 1 ms: " + leaseTime);
		}
	}

	/** Tries once, watchdog lease, unnamed metrics. */
	public static LockRequest immediate() {
		return new LockRequest(Duration.ZERO, null, UNNAMED);
	}

	public static LockRequest waitFor(Duration waitTime) {
		return new LockRequest(waitTime, null, UNNAMED);
	}

	public LockRequest withWaitTime(Duration waitTime) {
		return new LockRequest(waitTime, this.leaseTime, this.metricName, this.fairness);
	}

	/** A fixed lease, or {@code null} for watchdog renewal. */
	public LockRequest withLeaseTime(@Nullable Duration leaseTime) {
		return new LockRequest(this.waitTime, leaseTime, this.metricName, this.fairness);
	}

	public LockRequest withMetricName(String metricName) {
		return new LockRequest(this.waitTime, this.leaseTime, metricName, this.fairness);
	}

	public LockRequest withFairness(Fairness fairness) {
		return new LockRequest(this.waitTime, this.leaseTime, this.metricName, fairness);
	}

}
