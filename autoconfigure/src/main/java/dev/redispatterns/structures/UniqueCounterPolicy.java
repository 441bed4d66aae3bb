package dev.redispatterns.structures;

import java.time.Duration;

/**
 * How one unique counter is bucketed.
 * @param period one HyperLogLog for all time, or one per day, week or month
 * @param retention how long a finished period's HyperLogLog (and roll-ups made from it) stays readable
 */
public record UniqueCounterPolicy(Period period, Duration retention) {

	public UniqueCounterPolicy {
		if (retention.isNegative()) {
			throw new IllegalArgumentException("retention must not be negative");
		}
	}

	/** Daily buckets kept for 35 days: enough to merge any of the last four weeks or the last month. */
	public static UniqueCounterPolicy defaults() {
		return new UniqueCounterPolicy(Period.DAILY, Duration.ofDays(35));
	}

}
