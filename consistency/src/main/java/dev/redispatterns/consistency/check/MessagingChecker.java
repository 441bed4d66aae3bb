package dev.redispatterns.consistency.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.consistency.history.Handled;
import dev.redispatterns.consistency.history.History;
import dev.redispatterns.consistency.history.Op;

/**
 * Streams (consumer groups) or queues, after the load stopped and the listeners drained. Messages named
 * {@code …:poison} fail every attempt and must end in the dead-letter stream; {@code …:flaky} ones fail their
 * first attempt only. Invariants:
 * <ul>
 * <li>{@code lost}: an accepted message (its publish returned) was neither handled nor dead-lettered —
 * explained only when a fault that loses Redis state (a restart without persistence, a failover) came
 * within {@link #PENDING_BOUND} after it was accepted;</li>
 * <li>{@code handled-again}: a message handled successfully twice without being marked a redelivery, or
 * redelivered (attempt &gt; 1) after a successful handling with no fault around (the documented re-run after
 * a reconnect is counted as explained);</li>
 * <li>{@code duplicate-entry}: one publish handled under two entry ids;</li>
 * <li>{@code dead-letter}: a poison message handled, a message dead-lettered twice, a good message
 * dead-lettered with no fault around, or a dead letter no publish accounts for.</li>
 * </ul>
 * The counts reconcile: accepted = handled + dead-lettered + lost.
 */
public final class MessagingChecker implements Checker {

	/**
	 * How long an accepted message may stay unhandled in normal operation (retries, reclaims, a frozen
	 * consumer): a loss of Redis state later than this does not explain a message that was never handled.
	 */
	static final long PENDING_BOUND = 30_000_000_000L;

	private final String kind;

	public MessagingChecker(String kind) {
		this.kind = kind;
	}

	@Override
	public String pattern() {
		return this.kind;
	}

	@Override
	public CheckResult check(History history) {
		CheckResult result = new CheckResult(pattern());
		Map<String, Op> published = new LinkedHashMap<>();
		for (Op op : history.ops(this.kind)) {
			published.put(op.key(), op);
			result.count("publish " + op.status().name().toLowerCase(java.util.Locale.ROOT), 1);
		}
		Map<String, List<Handled>> handled = new HashMap<>();
		for (Handled handling : history.handled()) {
			if (handling.kind().equals(this.kind)) {
				handled.computeIfAbsent(handling.message(), (k) -> new ArrayList<>()).add(handling);
			}
		}
		Map<String, Integer> dead = new HashMap<>();
		for (String message : history.deadLetters().getOrDefault(this.kind, List.of())) {
			dead.merge(message, 1, Integer::sum);
		}
		long handledCount = 0;
		long deadCount = 0;
		long lostExplained = 0;
		for (Op publish : published.values()) {
			String message = publish.key();
			List<Handled> handlings = handled.getOrDefault(message, List.of());
			boolean poison = message.endsWith(":poison");
			if (!handlings.isEmpty()) {
				handledCount += publish.ok() ? 1 : 0;
				if (poison) {
					result.anomaly("dead-letter", message, publish.complete(), "a poison message was handled",
							List.of(publish.id()));
				}
				duplicates(result, history, publish, handlings);
			}
			if (dead.containsKey(message)) {
				deadCount += publish.ok() ? 1 : 0;
				if (dead.get(message) > 1
						&& history.stateLossDuring(publish.invoke(), publish.complete() + PENDING_BOUND, 0) != null) {
					result.explained("dead-lettered-again-after-lost-state",
							history.stateLossDuring(publish.invoke(), publish.complete() + PENDING_BOUND, 0),
							publish.invoke(), publish.complete());
				}
				else if (dead.get(message) > 1) {
					result.anomaly("dead-letter", message, publish.complete(), "dead-lettered " + dead.get(message)
							+ " times", List.of(publish.id()));
				}
				if (!poison) {
					FaultWindow fault = history.faultDuring(publish.invoke(), history.end(), GRACE);
					if (fault != null) {
						result.explained("good-message-dead-lettered", fault, publish.invoke(), publish.complete());
					}
					else {
						result.anomaly("dead-letter", message, publish.complete(),
								"a message that fails only its first attempt was dead-lettered", List.of(publish.id()));
					}
				}
			}
			if (publish.ok() && handlings.isEmpty() && !dead.containsKey(message)) {
				FaultWindow fault = history.stateLossDuring(publish.invoke(), publish.complete() + PENDING_BOUND, 0);
				if (fault != null) {
					lostExplained++;
					result.explained("lost-with-unpersisted-state", fault, publish.complete(), fault.start());
				}
				else {
					result.anomaly("lost", message, publish.complete(), "accepted (entry " + publish.value()
							+ ") but never handled nor dead-lettered", List.of(publish.id()));
				}
			}
			if (!publish.ok() && (!handlings.isEmpty() || dead.containsKey(message))) {
				result.count("failed or unanswered publishes that arrived anyway", 1);
			}
		}
		Set<String> phantoms = new HashSet<>(dead.keySet());
		phantoms.removeAll(published.keySet());
		for (String phantom : phantoms) {
			result.anomaly("dead-letter", phantom, history.end(), "a dead letter no publish accounts for", List.of());
		}
		long accepted = published.values().stream().filter(Op::ok).count();
		result.count("accepted", accepted);
		result.count("handled", handledCount);
		result.count("dead-lettered", deadCount);
		result.count("lost (explained)", lostExplained);
		result.count("lost", result.anomalies("lost"));
		return result;
	}

	private void duplicates(CheckResult result, History history, Op publish, List<Handled> handlings) {
		Set<String> entries = new HashSet<>();
		handlings.forEach((handling) -> entries.add(handling.delivery()));
		if (entries.size() > 1) {
			result.anomaly("duplicate-entry", publish.key(), publish.complete(), "one publish was handled under "
					+ entries.size() + " entries " + entries, List.of(publish.id()));
		}
		if (handlings.size() < 2) {
			return;
		}
		FaultWindow lost = history.stateLossDuring(publish.invoke(), publish.complete() + PENDING_BOUND, 0);
		if (lost != null) {
			// Its acknowledgement may have been lost with Redis state (a failover): documented.
			result.explained("rerun-after-lost-state", lost, publish.invoke(), publish.complete());
			result.count("re-runs (explained)", handlings.size() - 1);
			return;
		}
		long fresh = handlings.stream().filter((handling) -> handling.attempt() <= 1).count();
		if (fresh > 1 && entries.size() == 1) {
			result.anomaly("handled-again", publish.key(), publish.complete(), "handled " + fresh
					+ " times, each as a first delivery (attempt 1) of " + entries.iterator().next()
					+ " by " + handlings.stream().map(Handled::process).toList()
					+ ": a redelivery not marked as one", List.of(publish.id()));
			return;
		}
		FaultWindow fault = history.faultDuring(publish.invoke(), history.end(), GRACE);
		if (fault != null) {
			result.explained("rerun-after-reconnect", fault, publish.invoke(), publish.complete());
			result.count("re-runs (explained)", handlings.size() - 1);
		}
		else {
			result.anomaly("handled-again", publish.key(), publish.complete(), "handled " + handlings.size()
					+ " times (attempts " + handlings.stream().map(Handled::attempt).toList() + ") with no fault around",
					List.of(publish.id()));
		}
	}

}
