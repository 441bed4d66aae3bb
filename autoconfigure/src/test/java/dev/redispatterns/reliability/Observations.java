package dev.redispatterns.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * What one pattern did while one fault lasted: outcomes by label, exceptions that reached the application
 * by label, the slowest operation and every broken promise (violations make the test fail).
 */
final class Observations {

	private final Map<String, Long> outcomes = new LinkedHashMap<>();

	private final Map<String, Long> errors = new LinkedHashMap<>();

	private final List<String> violations = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private final AtomicLong slowestNanos = new AtomicLong();

	private long operations;

	private final List<Timed> timeline = new ArrayList<>();

	private volatile boolean recordTimeline;

	/** Keeps the time of every outcome from now on, for {@link #interruption}. */
	Observations withTimeline() {
		this.recordTimeline = true;
		return this;
	}

	synchronized void outcome(String label) {
		this.outcomes.merge(label, 1L, Long::sum);
		this.operations++;
		if (this.recordTimeline) {
			this.timeline.add(new Timed(System.nanoTime(), label));
		}
	}

	/**
	 * When operations after {@code sinceNanos} first failed ({@code degraded} outcomes) and when they
	 * succeeded again for good (the first other outcome after the last degraded one, null if none came);
	 * null when no operation failed.
	 */
	synchronized @Nullable Interruption interruption(long sinceNanos, Predicate<String> degraded) {
		Timed first = null;
		int last = -1;
		for (int i = 0; i < this.timeline.size(); i++) {
			Timed event = this.timeline.get(i);
			if (event.nanos - sinceNanos >= 0 && degraded.test(event.label)) {
				if (first == null) {
					first = event;
				}
				last = i;
			}
		}
		if (first == null) {
			return null;
		}
		Duration back = null;
		for (int i = last + 1; i < this.timeline.size(); i++) {
			if (!degraded.test(this.timeline.get(i).label)) {
				back = Duration.ofNanos(this.timeline.get(i).nanos - sinceNanos);
				break;
			}
		}
		return new Interruption(Duration.ofNanos(first.nanos - sinceNanos), back);
	}

	/** Operations failed from {@code first} on and worked again from {@code back} on (both since the start). */
	record Interruption(Duration first, @Nullable Duration back) {

	}

	private record Timed(long nanos, String label) {

	}

	synchronized void error(String label) {
		this.errors.merge(label, 1L, Long::sum);
	}

	synchronized void violation(String what) {
		if (this.violations.size() < 20) {
			this.violations.add(what);
		}
	}

	synchronized void note(String what) {
		this.notes.add(what);
	}

	/** Records an operation's duration and flags it when it took longer than {@code bound}. */
	void took(String operation, long startNanos, Duration bound) {
		long nanos = System.nanoTime() - startNanos;
		this.slowestNanos.accumulateAndGet(nanos, Math::max);
		if (nanos > bound.toNanos()) {
			violation(operation + " took " + Duration.ofNanos(nanos).toMillis() + " ms, more than its bound of "
					+ bound.toMillis() + " ms");
		}
	}

	synchronized long operations() {
		return this.operations;
	}

	synchronized long count(String label) {
		return this.outcomes.getOrDefault(label, 0L);
	}

	synchronized long errorCount() {
		return this.errors.values().stream().mapToLong(Long::longValue).sum();
	}

	synchronized List<String> violations() {
		return List.copyOf(this.violations);
	}

	Duration slowest() {
		return Duration.ofNanos(this.slowestNanos.get());
	}

	/** "3 × label, 2 × other; notes; slowest 0.31 s" */
	synchronized String behaviour() {
		StringBuilder text = new StringBuilder();
		text.append(this.operations).append(" ops: ");
		text.append(join(this.outcomes));
		for (String note : this.notes) {
			text.append("; ").append(note);
		}
		text.append("; slowest ").append(seconds(slowest()));
		return text.toString();
	}

	synchronized String errors() {
		return this.errors.isEmpty() ? "none" : join(this.errors);
	}

	private static String join(Map<String, Long> counts) {
		List<String> parts = new ArrayList<>();
		counts.forEach((label, count) -> parts.add(count + " × " + label));
		return String.join(", ", parts);
	}

	static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.2f s", duration.toMillis() / 1000.0);
	}

}
