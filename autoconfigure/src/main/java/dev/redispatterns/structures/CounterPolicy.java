package dev.redispatterns.structures;

import java.time.Duration;

/**
 * How one family of counters expires.
 * @param timeToLive how long a counter lives; {@link Duration#ZERO} keeps it until deleted (then bound
 * the number of ids yourself)
 * @param sliding {@code false}: the time to live starts when the counter is created (a fixed window, as
 * for a daily quota); {@code true}: every increment restarts it (an idle timeout)
 */
public record CounterPolicy(Duration timeToLive, boolean sliding) {

	public CounterPolicy {
		if (timeToLive.isNegative()) {
			throw new IllegalArgumentException("timeToLive must not be negative");
		}
	}

	/** One day from the first increment. */
	public static CounterPolicy defaults() {
		return new CounterPolicy(Duration.ofDays(1), false);
	}

}
