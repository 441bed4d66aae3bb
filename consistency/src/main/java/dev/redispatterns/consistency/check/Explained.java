package dev.redispatterns.consistency.check;

/**
 * Something that looks like a violation but is documented behaviour under a fault (a fail-open decision, an
 * eviction skipped during an outage, a re-run after a reconnect, ...): counted and measured, not flagged.
 *
 * @param pattern the checker that classified it
 * @param kind a short class name ({@code fail-open}, {@code stale-after-outage}, {@code rerun}, ...)
 * @param fault the fault that explains it ({@code none} where the documentation describes it without one)
 * @param start when its window began (driver time)
 * @param end when its window ended
 */
public record Explained(String pattern, String kind, String fault, long start, long end) {

	public long window() {
		return Math.max(0, this.end - this.start);
	}

}
