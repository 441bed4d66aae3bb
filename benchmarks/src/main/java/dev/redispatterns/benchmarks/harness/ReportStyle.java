package dev.redispatterns.benchmarks.harness;

/**
 * How a workload's table is labelled: what one operation is called, what its latency is, and what the
 * "success" share means (allowed decisions, hits, ...).
 *
 * @param kind which table layout
 * @param unit throughput unit, e.g. {@code decisions/s}
 * @param latency what the percentiles measure, e.g. {@code time to acquire}
 * @param success header of the success-share column, or {@code null} to omit it
 */
public record ReportStyle(Kind kind, String unit, String latency, String success) {

	/** Table layouts. */
	public enum Kind {

		/** Throughput, ratio to the floor, latency percentiles, Redis commands per operation, errors. */
		THROUGHPUT,

		/** Rounds of concurrent callers on a cold key: loads, slowest caller, Redis commands per round. */
		STAMPEDE

	}

	public static ReportStyle throughput(String unit, String latency, String success) {
		return new ReportStyle(Kind.THROUGHPUT, unit, latency, success);
	}

	public static ReportStyle stampede() {
		return new ReportStyle(Kind.STAMPEDE, "rounds", "caller latency", "");
	}

}
