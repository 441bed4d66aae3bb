package dev.redispatterns.structures;

import java.time.Duration;

/**
 * How one leaderboard behaves.
 * @param order which scores rank first
 * @param period one board for all time, or one per day, week or month
 * @param retention how long a finished period's board stays readable before it expires
 * @param maxEntries most members kept (the worst are dropped on each write); {@code 0} keeps every member
 */
public record LeaderboardPolicy(Order order, Period period, Duration retention, int maxEntries) {

	public LeaderboardPolicy {
		if (retention.isNegative()) {
			throw new IllegalArgumentException("retention must not be negative");
		}
		if (maxEntries < 0) {
			throw new IllegalArgumentException("maxEntries must not be negative");
		}
	}

	/** Higher scores first, one board for all time, every member kept. */
	public static LeaderboardPolicy defaults() {
		return new LeaderboardPolicy(Order.HIGHER_FIRST, Period.NONE, Duration.ofDays(7), 0);
	}

	/** Which scores rank first. Equal scores are ordered by member name either way. */
	public enum Order {

		/** Highest score is rank 1 (points, wins). */
		HIGHER_FIRST,

		/** Lowest score is rank 1 (lap times, strokes). */
		LOWER_FIRST

	}

}
