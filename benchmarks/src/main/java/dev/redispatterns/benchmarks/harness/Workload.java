package dev.redispatterns.benchmarks.harness;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One measured situation (for example "rate-limit decision, one hot key, 16 threads"). Each of its
 * implementations runs in its own JVM (or {@link #jvms()} JVMs), all in the same suite run, so the ratios
 * to the floor compare numbers taken minutes apart on the same machine.
 */
public abstract class Workload {

	private final String id;

	private final String title;

	private final String description;

	private final int threads;

	private final int jvms;

	protected Workload(String id, String title, String description, int threads, int jvms) {
		this.id = id;
		this.title = title;
		this.description = description;
		this.threads = threads;
		this.jvms = jvms;
	}

	public final String id() {
		return this.id;
	}

	public final String title() {
		return this.title;
	}

	/** What one operation is and how the numbers are taken, for the report. */
	public final String description() {
		return this.description;
	}

	/** Client threads in total, over all of the cell's JVMs. */
	public final int threads() {
		return this.threads;
	}

	/** JVMs one cell runs in at once ("application instances"); their results are merged. */
	public final int jvms() {
		return this.jvms;
	}

	public abstract List<? extends Implementation<?>> implementations();

	public @Nullable Implementation<?> implementation(String implementationId) {
		for (Implementation<?> implementation : implementations()) {
			if (implementation.id().equals(implementationId)) {
				return implementation;
			}
		}
		return null;
	}

	/** The implementation ratios are computed against unless an implementation names another. */
	public @Nullable Implementation<?> floor() {
		for (Implementation<?> implementation : implementations()) {
			if (implementation.role() == Implementation.Role.FLOOR) {
				return implementation;
			}
		}
		return null;
	}

	/** How the report presents this workload's cells. */
	public abstract ReportStyle reportStyle();

	/** Runs one cell in this JVM (called by {@link CellMain}). */
	public abstract CellResult run(String implementationId, CellContext context) throws Exception;

	/**
	 * Shortest warm-up of a multi-JVM cell: its JVMs start at once on the same cores and compile the same
	 * code at the same time, and their first cross-JVM hand-offs take seconds (Spring Integration's waiters
	 * poll every 100 ms; this starter's waiters first open their pub/sub connection).
	 */
	protected static final Duration MULTI_JVM_WARMUP = Duration.ofSeconds(5);

	/** Warm-up of this workload's cells: the configured one, but at least {@link #minimumWarmup()}. */
	public final Duration warmup(SuiteOptions options) {
		Duration minimum = minimumWarmup();
		return (options.warmup().compareTo(minimum) < 0) ? minimum : options.warmup();
	}

	/**
	 * The least warm-up this workload needs to measure its steady state, also in quick mode:
	 * {@link #MULTI_JVM_WARMUP} for cells of several JVMs, {@link #PUBLIC_PATH_WARMUP} for the public-path
	 * cells, none otherwise.
	 */
	protected Duration minimumWarmup() {
		Duration minimum = (this.jvms > 1) ? MULTI_JVM_WARMUP : Duration.ZERO;
		if (this.id.startsWith(ReportWriter.PUBLIC_PATH) && minimum.compareTo(PUBLIC_PATH_WARMUP) < 0) {
			minimum = PUBLIC_PATH_WARMUP;
		}
		return minimum;
	}

	/**
	 * Shortest warm-up of the public-path cells: a Boot application's advice chain, Micrometer and the
	 * Prometheus registry are far more code to compile than an engine; on a loaded two-core machine the
	 * annotated lock cycle measured about a fifth of its pace after 2 s of warm-up. After 5 s the floors were
	 * still compiling too: the raw `GET` + Jackson decode cell went from 0.75x of the bare `GET` (three
	 * passes) to 1.03x after 10 s, and the lock engine from 0.73x to 0.86x.
	 */
	protected static final Duration PUBLIC_PATH_WARMUP = Duration.ofSeconds(10);

	/** Expected wall-clock of one cell after its JVMs started, for the estimate printed before the run. */
	public Duration expectedDuration(SuiteOptions options) {
		return warmup(options).plus(options.measure());
	}

	/** How long a cell may take after its JVMs said they are ready before it counts as failed. */
	public Duration timeLimit(SuiteOptions options) {
		return warmup(options).plus(options.measure()).plusSeconds(90);
	}

}
