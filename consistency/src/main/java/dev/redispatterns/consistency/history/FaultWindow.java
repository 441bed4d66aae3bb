package dev.redispatterns.consistency.history;

/**
 * A fault the driver injected, from the moment it started to the moment it was healed.
 *
 * @param name the fault's name in the catalogue
 * @param target what it hit ({@code app2}, {@code redis}, {@code all apps})
 * @param start when injection began
 * @param end when it was healed (the server answered again, the JVM was thawed, ...)
 * @param redisSide whether the applications could not reach or use Redis as usual (documented fallbacks
 * such as skipped evictions and fail-open decisions may follow); {@code false} for a paused application JVM
 * @param losesState whether Redis may lose acknowledged writes (restart without persistence, failover)
 */
public record FaultWindow(String name, String target, long start, long end, boolean redisSide, boolean losesState) {

	/** Whether {@code [from, to]} overlaps the fault, extended by {@code grace} after its end. */
	public boolean overlaps(long from, long to, long grace) {
		return from <= this.end + grace && to >= this.start;
	}

}
