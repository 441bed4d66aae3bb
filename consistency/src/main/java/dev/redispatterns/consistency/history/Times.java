package dev.redispatterns.consistency.history;

import java.util.Locale;

/** Formatting of driver times (nanoseconds since the run started). */
public final class Times {

	private Times() {
	}

	public static String seconds(long nanos) {
		return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
	}

	public static long millis(long millis) {
		return millis * 1_000_000L;
	}

}
