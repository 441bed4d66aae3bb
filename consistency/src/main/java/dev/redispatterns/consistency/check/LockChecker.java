package dev.redispatterns.consistency.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.redispatterns.consistency.history.Event;
import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.consistency.history.History;

/**
 * Locks and fencing, judged from the fenced register's events (one clock, total order). A holder claims the
 * register with its token on entering its critical section, writes it, and reports on exit whether the lock
 * told it the lease was lost. Invariants:
 * <ul>
 * <li>{@code overlap}: two critical sections of one lock surely overlap (one holder claimed the register
 * between the other's claim and last write), and the earlier holder (the lower token)
 * was not told it lost the lease. (When it was told, the overlap is explained and its length measured: a
 * lease that ran out during a pause, Kleppmann's case, which fencing covers. So is an overlap around a
 * fault that loses Redis state, where docs/operations.md documents that a grant can be lost.)</li>
 * <li>{@code fenced-live-holder}: the register refused a claim or write of a holder that was never told it
 * lost the lock — a higher token was accepted while it believed it held the lock (or tokens do not rise
 * with acquisitions).</li>
 * <li>{@code stale-write-accepted}: the register accepted claims out of strictly increasing token order, or
 * a write with a token other than the latest claim (zero are allowed).</li>
 * </ul>
 */
public final class LockChecker implements Checker {

	@Override
	public String pattern() {
		return "lock";
	}

	@Override
	public CheckResult check(History history) {
		CheckResult result = new CheckResult(pattern());
		Map<Long, Event> exits = new HashMap<>();
		for (Event event : history.events()) {
			if (event.kind().equals("exit")) {
				exits.put(event.op(), event);
			}
		}
		// A holder is surely inside its critical section from its claim to its last claim or write as the
		// register saw them; its exit message may arrive later (a slow request), so it only carries the flag.
		Map<Long, Long> lastActivity = new HashMap<>();
		for (Event event : history.events()) {
			if (event.kind().equals("claim") || event.kind().equals("write")) {
				lastActivity.merge(event.op(), event.time(), Math::max);
			}
		}
		Map<String, List<Event>> active = new HashMap<>();
		Map<String, Long> lastClaim = new HashMap<>();
		List<Event[]> overlaps = new ArrayList<>();
		for (Event event : history.events()) {
			switch (event.kind()) {
				case "claim" -> {
					result.count("critical sections", 1);
					List<Event> holders = active.computeIfAbsent(event.key(), (key) -> new ArrayList<>());
					holders.removeIf((other) -> lastActivity.get(other.op()) < event.time());
					for (Event other : holders) {
						if (lastActivity.get(other.op()) > event.time()) {
							boolean otherEarlier = other.number() < event.number();
							overlaps.add(otherEarlier ? new Event[] { other, event } : new Event[] { event, other });
						}
					}
					holders.add(event);
					registerOrder(result, lastClaim, event);
					refusedLiveHolder(result, history, exits, event);
				}
				case "write" -> {
					result.count("writes", 1);
					Long latest = lastClaim.get(event.key());
					if (event.accepted() && (latest == null || latest != event.number())) {
						result.anomaly("stale-write-accepted", event.key(), event.time(), "the register accepted a write with token "
								+ event.number() + " while the latest claim was " + latest, List.of(event.op()));
					}
					refusedLiveHolder(result, history, exits, event);
				}
				default -> {
				}
			}
		}
		for (Event[] pair : overlaps) {
			judgeOverlap(result, history, exits, lastActivity, pair[0], pair[1]);
		}
		return result;
	}

	private static void registerOrder(CheckResult result, Map<String, Long> lastClaim, Event claim) {
		Long previous = lastClaim.get(claim.key());
		if (claim.accepted()) {
			if (previous != null && claim.number() <= previous) {
				result.anomaly("stale-write-accepted", claim.key(), claim.time(), "the register accepted claim token "
						+ claim.number() + " after token " + previous, List.of(claim.op()));
			}
			lastClaim.put(claim.key(), claim.number());
		}
	}

	private static void refusedLiveHolder(CheckResult result, History history, Map<Long, Event> exits, Event event) {
		if (event.accepted()) {
			return;
		}
		Event exit = exits.get(event.op());
		if (exit != null && exit.accepted()) {
			result.count("stale writes refused (holder told of loss)", 1);
			return;
		}
		if (exit == null) {
			result.count("refused writes of holders that never exited", 1);
			return;
		}
		FaultWindow lost = history.stateLossDuring(event.time(), event.time(), GRACE);
		if (lost != null) {
			result.explained("fenced-after-lost-grant", lost, event.time(), event.time());
			return;
		}
		result.anomaly("fenced-live-holder", event.key(), event.time(), "the register refused the " + event.kind()
				+ " of token " + event.number() + " by " + event.process()
				+ ", whose lock never told it the lease was lost", List.of(event.op()));
	}

	private static void judgeOverlap(CheckResult result, History history, Map<Long, Event> exits,
			Map<Long, Long> lastActivity, Event earlier, Event later) {
		long start = Math.max(earlier.time(), later.time());
		long end = Math.min(lastActivity.get(earlier.op()), lastActivity.get(later.op()));
		Event earlierExit = exits.get(earlier.op());
		FaultWindow fault = history.faultDuring(start, end, GRACE);
		if (earlierExit != null && earlierExit.accepted()) {
			result.explained("overlap-after-lease-loss", fault, start, end);
			return;
		}
		if (earlierExit == null) {
			result.explained("overlap-holder-never-exited", fault, start, end);
			return;
		}
		FaultWindow lost = history.stateLossDuring(earlier.time(), later.time(), GRACE);
		if (lost != null) {
			// Redis lost the grant (failover, restart without persistence): two holders, documented; fencing
			// protects the register.
			result.explained("overlap-after-lost-grant", lost, start, end);
			return;
		}
		result.anomaly("overlap", earlier.key(), start,
				"critical sections of token " + earlier.number() + " (" + earlier.process() + ") and token "
						+ later.number() + " (" + later.process() + ") overlapped for "
						+ String.format(java.util.Locale.ROOT, "%.1f ms", (end - start) / 1e6)
						+ "; the earlier holder was never told its lease was lost",
				List.of(earlier.op(), later.op()));
	}

}
