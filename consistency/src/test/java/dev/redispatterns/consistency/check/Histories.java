package dev.redispatterns.consistency.check;

import java.util.ArrayList;
import java.util.List;

import dev.redispatterns.consistency.history.Event;
import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.consistency.history.Op;
import dev.redispatterns.consistency.history.Status;

/** Hand-made histories for the checker tests; times are given in milliseconds. */
final class Histories {

	private final List<Op> ops = new ArrayList<>();

	private final List<Event> events = new ArrayList<>();

	private final List<FaultWindow> faults = new ArrayList<>();

	static long ms(double millis) {
		return Math.round(millis * 1_000_000);
	}

	Op op(String pattern, String process, String type, String key, double invoke, double complete, String value) {
		return op(pattern, process, type, key, invoke, complete, value, "");
	}

	Op op(String pattern, String process, String type, String key, double invoke, double complete, String value,
			String detail) {
		Op op = new Op(this.ops.size() + 1, pattern, process, type, key, ms(invoke), ms(complete), Status.OK, value,
				detail);
		this.ops.add(op);
		return op;
	}

	Op unknown(String pattern, String process, String type, String key, double invoke) {
		Op op = new Op(this.ops.size() + 1, pattern, process, type, key, ms(invoke), Long.MAX_VALUE, Status.UNKNOWN, "",
				"");
		this.ops.add(op);
		return op;
	}

	Histories event(double time, String kind, String key, long number, String process, long op, boolean accepted) {
		this.events.add(new Event(ms(time), kind, key, number, process, op, accepted));
		return this;
	}

	Histories fault(String name, double start, double end, boolean redisSide, boolean losesState) {
		this.faults.add(new FaultWindow(name, "redis", ms(start), ms(end), redisSide, losesState));
		return this;
	}

	dev.redispatterns.consistency.history.History history() {
		return dev.redispatterns.consistency.history.History.of(List.copyOf(this.ops))
			.withEvents(List.copyOf(this.events))
			.withFaults(List.copyOf(this.faults));
	}

}
