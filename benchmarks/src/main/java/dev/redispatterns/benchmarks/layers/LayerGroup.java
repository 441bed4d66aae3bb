package dev.redispatterns.benchmarks.layers;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One table of the layer-cost mode: a JMH benchmark class whose methods are rows, each compared with
 * the row it adds a layer to.
 *
 * @param id id matched by {@code -Dbench.include} ({@code layers-codec}, {@code near-cache-hit})
 * @param title section title in the report
 * @param description what is measured
 * @param benchmark the JMH class, or {@code null} when no row is measured
 * @param rows the rows in report order
 * @param warmupSeconds JMH warm-up of each method in a full run: one iteration of this many seconds
 */
public record LayerGroup(String id, String title, String description, @Nullable Class<?> benchmark,
		List<Row> rows, int warmupSeconds) {

	/** Warm-up of groups whose calls are in-process: a second is millions of calls, plenty for the JIT. */
	static final int DEFAULT_WARMUP_SECONDS = 1;

	public LayerGroup(String id, String title, String description, @Nullable Class<?> benchmark, List<Row> rows) {
		this(id, title, description, benchmark, rows, DEFAULT_WARMUP_SECONDS);
	}

	/**
	 * This group with a longer warm-up: calls with a Redis round trip are some ten thousand a second, and a
	 * deep call chain (Spring's proxies and interceptors) needs seconds of them before the JIT has compiled it.
	 */
	public LayerGroup withWarmupSeconds(int seconds) {
		return new LayerGroup(this.id, this.title, this.description, this.benchmark, this.rows, seconds);
	}

	/**
	 * One measured benchmark method, or a row saying why something is not measured.
	 *
	 * @param method JMH method name, or {@code null} when not measured
	 * @param label how the report names it
	 * @param baseline method this row is a ratio of, or {@code null} for a baseline row
	 * @param note why not measured, or what to know
	 */
	public record Row(@Nullable String method, String label, @Nullable String baseline, @Nullable String note) {

		public static Row baseline(String method, String label) {
			return new Row(method, label, null, null);
		}

		public static Row layer(String method, String label, String baseline) {
			return new Row(method, label, baseline, null);
		}

		public static Row notApplicable(String label, String reason) {
			return new Row(null, label, null, reason);
		}

		public boolean isMeasured() {
			return this.method != null;
		}

	}

}
