package dev.redispatterns.consistency.check;

import dev.redispatterns.consistency.history.History;

/** Checks a whole history against one pattern's invariant, judging only by the recorded real-time order. */
public interface Checker {

	/** How long after a fault was healed its effects still count as the fault's (reconnects, back-offs). */
	long GRACE = 5_000_000_000L;

	String pattern();

	CheckResult check(History history);

}
