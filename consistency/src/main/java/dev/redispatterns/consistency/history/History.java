package dev.redispatterns.consistency.history;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything recorded in one run: the driver's operations, the shared database's events, the faults, the
 * messages handled and dead-lettered, and what the checkers need to know about the configuration.
 *
 * @param ops every operation, in invocation order
 * @param events the database's events, in time order
 * @param faults the injected faults
 * @param handled messages handled by the listeners of every application
 * @param deadLetters the messages found in each dead-letter stream, by kind ({@code stream}, {@code queue})
 * @param wallClockAtZero the wall-clock time (epoch ms, the clock Redis {@code TIME} reads on this machine)
 * at driver time 0
 * @param end when the run's load ended
 */
public record History(List<Op> ops, List<Event> events, List<FaultWindow> faults, List<Handled> handled,
		Map<String, List<String>> deadLetters, double wallClockAtZero, long end) {

	public static History of(List<Op> ops) {
		return new History(ops, List.of(), List.of(), List.of(), Map.of(), 0, Long.MAX_VALUE);
	}

	public History withEvents(List<Event> events) {
		return new History(this.ops, events, this.faults, this.handled, this.deadLetters, this.wallClockAtZero, this.end);
	}

	public History withFaults(List<FaultWindow> faults) {
		return new History(this.ops, this.events, faults, this.handled, this.deadLetters, this.wallClockAtZero, this.end);
	}

	public History withMessages(List<Handled> handled, Map<String, List<String>> deadLetters) {
		return new History(this.ops, this.events, this.faults, handled, deadLetters, this.wallClockAtZero, this.end);
	}

	public History withWallClockAtZero(double wallClockAtZero) {
		return new History(this.ops, this.events, this.faults, this.handled, this.deadLetters, wallClockAtZero, this.end);
	}

	public List<Op> ops(String pattern) {
		return this.ops.stream().filter((op) -> op.pattern().equals(pattern)).toList();
	}

	/** The first fault overlapping {@code [from, to]} (extended by {@code grace}), if any. */
	public FaultWindow faultDuring(long from, long to, long grace) {
		for (FaultWindow fault : this.faults) {
			if (fault.overlaps(from, to, grace)) {
				return fault;
			}
		}
		return null;
	}

	/** The first Redis-side fault overlapping {@code [from, to]} (extended by {@code grace}), if any. */
	public FaultWindow redisFaultDuring(long from, long to, long grace) {
		for (FaultWindow fault : this.faults) {
			if (fault.redisSide() && fault.overlaps(from, to, grace)) {
				return fault;
			}
		}
		return null;
	}

	/** The first fault that may lose Redis state overlapping {@code [from, to]}, if any. */
	public FaultWindow stateLossDuring(long from, long to, long grace) {
		for (FaultWindow fault : this.faults) {
			if (fault.losesState() && fault.overlaps(from, to, grace)) {
				return fault;
			}
		}
		return null;
	}

	/** Names of the processes that took part. */
	public Set<String> processes() {
		return Set.copyOf(this.ops.stream().map(Op::process).toList());
	}

}
