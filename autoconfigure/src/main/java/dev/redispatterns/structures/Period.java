package dev.redispatterns.structures;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/**
 * Calendar period of a time-boxed structure: each period has its own key (a daily board, a weekly
 * counter), which expires a retention time after the period ends. Weeks are ISO weeks (Monday to Sunday).
 */
public enum Period {

	/** One structure for all time. */
	NONE,

	/** One structure per calendar day. */
	DAILY,

	/** One structure per ISO week, Monday to Sunday. */
	WEEKLY,

	/** One structure per calendar month. */
	MONTHLY;

	/** First day of the period containing {@code day}. */
	public LocalDate start(LocalDate day) {
		return switch (this) {
			case NONE -> LocalDate.MIN;
			case DAILY -> day;
			case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
			case MONTHLY -> day.withDayOfMonth(1);
		};
	}

	/** First day of the period after the one containing {@code day}. */
	public LocalDate next(LocalDate day) {
		return switch (this) {
			case NONE -> LocalDate.MAX;
			case DAILY -> day.plusDays(1);
			case WEEKLY -> start(day).plusWeeks(1);
			case MONTHLY -> start(day).plusMonths(1);
		};
	}

	/** When the period containing {@code day} ends, in {@code zone}. */
	public Instant end(LocalDate day, ZoneId zone) {
		if (this == NONE) {
			throw new IllegalStateException("An all-time period has no end");
		}
		return next(day).atStartOfDay(zone).toInstant();
	}

	/**
	 * Name of the period containing {@code day} in keys: {@code 2026-05-01}, {@code 2026-W18},
	 * {@code 2026-05}; empty for {@link #NONE}.
	 */
	public String label(LocalDate day) {
		return switch (this) {
			case NONE -> "";
			case DAILY -> day.toString();
			case WEEKLY -> String.format("%d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR),
					day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
			case MONTHLY -> String.format("%d-%02d", day.getYear(), day.getMonthValue());
		};
	}

}
