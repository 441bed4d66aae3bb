package dev.redispatterns.consistency.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.consistency.history.History;
import dev.redispatterns.consistency.history.Op;

/**
 * Rate limits across all JVMs, per policy and key. An operation's value is the decision's outcome
 * ({@code ALLOWED}, {@code REJECTED}, {@code ERROR_OPEN}, ...). Only decisions Redis made count against the
 * limit; degraded ones (fail-open, fail-closed) are reported separately with their time window. A grant
 * happened somewhere inside its operation's interval, so only bounds that hold for every placement are
 * flagged:
 * <ul>
 * <li>{@code over-limit}: more grants than the policy allows surely inside one window — for a fixed window,
 * grants whose whole interval lies in one window aligned on Redis time (the machine's clock); for a sliding
 * log, {@code limit + 1} grants within less than a window; for a token bucket, more than
 * {@code capacity + refill-rate × span} grants within a span — unless a fault that loses Redis state was
 * active;</li>
 * <li>{@code refused-under-limit} (fixed window and sliding log, no fault active): a refusal although fewer
 * than {@code limit} grants (counting every grant and unanswered request that may lie in the window) could
 * have been made before it.</li>
 * </ul>
 */
public final class RateLimitChecker implements Checker {

	/** Slack for the mapping of the driver's clock onto the wall clock Redis reads. */
	private static final long CLOCK_SLACK = 2_000_000L;

	private final Map<String, Policy> policies;

	public RateLimitChecker(Map<String, Policy> policies) {
		this.policies = policies;
	}

	@Override
	public String pattern() {
		return "ratelimit";
	}

	@Override
	public CheckResult check(History history) {
		CheckResult result = new CheckResult(pattern());
		Map<String, List<Op>> byBucket = new TreeMap<>();
		for (Op op : history.ops(pattern())) {
			result.count("decisions", 1);
			if (op.ok() && isDegraded(op.value())) {
				// Never counted as a grant; but the script may still have run after the client gave up.
				result.count("degraded " + op.value(), 1);
				result.explained("degraded-" + op.value().toLowerCase(java.util.Locale.ROOT),
						history.faultDuring(op.invoke(), op.complete(), GRACE), op.invoke(), op.complete());
			}
			else if (op.ok()) {
				result.count(op.value().toLowerCase(java.util.Locale.ROOT), 1);
			}
			byBucket.computeIfAbsent(op.type() + " " + op.key(), (k) -> new ArrayList<>()).add(op);
		}
		byBucket.forEach((bucket, ops) -> {
			Policy policy = this.policies.get(ops.get(0).type());
			if (policy == null) {
				return;
			}
			switch (policy.algorithm()) {
				case "fixed-window" -> fixedWindow(result, history, policy, bucket, ops);
				case "sliding-log" -> slidingLog(result, history, policy, bucket, ops);
				case "token-bucket" -> tokenBucket(result, history, policy, bucket, ops);
				default -> {
				}
			}
		});
		return result;
	}

	private static boolean isDegraded(String outcome) {
		return !outcome.equals("ALLOWED") && !outcome.equals("REJECTED");
	}

	private static boolean allowed(Op op) {
		return op.ok() && op.value().equals("ALLOWED");
	}

	private static boolean rejected(Op op) {
		return op.ok() && op.value().equals("REJECTED");
	}

	/**
	 * Whether Redis may have granted a permit for the operation: allowed, no answer, or a degraded decision
	 * (the client gave up waiting, the script may have run anyway).
	 */
	private static boolean mayHaveGranted(Op op) {
		return allowed(op) || !op.ok() || isDegraded(op.value());
	}

	private void fixedWindow(CheckResult result, History history, Policy policy, String bucket, List<Op> ops) {
		long window = policy.window() * 1_000_000L;
		long offset = Math.round(history.wallClockAtZero() * 1_000_000.0);
		Map<Long, List<Op>> sure = new TreeMap<>();
		Map<Long, List<Op>> possible = new TreeMap<>();
		for (Op op : ops) {
			long first = Math.floorDiv(offset + op.invoke() - CLOCK_SLACK, window);
			// An unanswered request may have been decided until well after it was sent (a frozen JVM): ten windows.
			long to = Math.min(Math.min(op.effectiveComplete(), history.end()), op.invoke() + 10 * window);
			long last = Math.floorDiv(offset + to + CLOCK_SLACK, window);
			if (first == last) {
				sure.computeIfAbsent(first, (k) -> new ArrayList<>()).add(op);
			}
			for (long index = first; index <= last; index++) {
				possible.computeIfAbsent(index, (k) -> new ArrayList<>()).add(op);
			}
		}
		sure.forEach((index, inside) -> {
			long start = index * window - offset;
			long end = start + window;
			List<Op> grants = inside.stream().filter(RateLimitChecker::allowed).toList();
			if (grants.size() > policy.limit()) {
				FaultWindow fault = history.stateLossDuring(start, end, GRACE);
				if (fault != null) {
					result.explained("over-limit-after-state-loss", fault, start, end);
				}
				else {
					result.anomaly("over-limit", bucket, start, grants.size() + " grants surely inside one "
							+ policy.window() + " ms window, limit " + policy.limit(), ids(grants));
				}
			}
			List<Op> refusals = inside.stream().filter(RateLimitChecker::rejected).toList();
			long mayHave = possible.get(index).stream().filter(RateLimitChecker::mayHaveGranted).count();
			if (!refusals.isEmpty() && mayHave < policy.limit() && history.faultDuring(start, end, GRACE) == null) {
				result.anomaly("refused-under-limit", bucket, start, "a refusal inside a window in which at most "
						+ mayHave + " grants can have happened, limit " + policy.limit(), ids(refusals.subList(0, 1)));
			}
		});
	}

	private void slidingLog(CheckResult result, History history, Policy policy, String bucket, List<Op> ops) {
		long window = policy.window() * 1_000_000L;
		List<Op> grants = new ArrayList<>(ops.stream().filter(RateLimitChecker::allowed).toList());
		grants.sort(Comparator.comparingLong(Op::invoke));
		int k = (int) policy.limit() + 1;
		for (int i = 0; i < grants.size(); i++) {
			Op first = grants.get(i);
			PriorityQueue<Op> earliest = new PriorityQueue<>(Comparator.comparingLong(Op::complete).reversed());
			for (int j = i; j < grants.size(); j++) {
				earliest.add(grants.get(j));
				if (earliest.size() > k) {
					earliest.poll();
				}
			}
			if (earliest.size() == k) {
				long span = earliest.peek().complete() - first.invoke();
				if (span + CLOCK_SLACK < window) {
					FaultWindow fault = history.stateLossDuring(first.invoke(), earliest.peek().complete(), GRACE);
					if (fault != null) {
						result.explained("over-limit-after-state-loss", fault, Math.max(first.invoke(), fault.start()),
								Math.min(earliest.peek().complete(), fault.end() + GRACE));
					}
					else {
						result.anomaly("over-limit", bucket, first.invoke(), k + " grants within "
								+ String.format(java.util.Locale.ROOT, "%.1f ms", span / 1e6) + ", sliding log of "
								+ policy.limit() + " per " + policy.window() + " ms", ids(new ArrayList<>(earliest)));
						return;
					}
				}
			}
		}
		for (Op refusal : ops) {
			if (!rejected(refusal)) {
				continue;
			}
			long from = refusal.invoke() - window - CLOCK_SLACK;
			if (history.faultDuring(from, refusal.complete(), GRACE) != null) {
				continue;
			}
			long mayHave = ops.stream()
				.filter((op) -> op != refusal && mayHaveGranted(op) && op.effectiveComplete() > from
						&& op.invoke() < refusal.complete())
				.count();
			if (mayHave < policy.limit()) {
				result.anomaly("refused-under-limit", bucket, refusal.invoke(), "refused although at most " + mayHave
						+ " grants can lie in the window before it, limit " + policy.limit(), List.of(refusal.id()));
				return;
			}
		}
	}

	private void tokenBucket(CheckResult result, History history, Policy policy, String bucket, List<Op> ops) {
		List<Op> grants = new ArrayList<>(ops.stream().filter(RateLimitChecker::allowed).toList());
		grants.sort(Comparator.comparingLong(Op::invoke));
		for (int i = 0; i < grants.size(); i++) {
			Op first = grants.get(i);
			List<Op> after = new ArrayList<>(grants.subList(i, grants.size()));
			after.sort(Comparator.comparingLong(Op::complete));
			int count = 0;
			for (Op last : after) {
				count++;
				double span = Math.max(0, last.complete() - first.invoke() + CLOCK_SLACK) / 1e9;
				double bound = policy.capacity() + policy.refillPerSecond() * span;
				if (count > bound + 1e-9) {
					FaultWindow fault = history.stateLossDuring(first.invoke(), last.complete(), GRACE);
					if (fault != null) {
						// The window reported is the fault's (plus grace) within the span, not the whole span.
						result.explained("over-limit-after-state-loss", fault, Math.max(first.invoke(), fault.start()),
								Math.min(last.complete(), fault.end() + GRACE));
						return;
					}
					result.anomaly("over-limit", bucket, first.invoke(), count + " grants within "
							+ String.format(java.util.Locale.ROOT, "%.1f ms", span * 1e3) + ", bucket of "
							+ policy.capacity() + " refilled at " + policy.refillPerSecond() + "/s",
							List.of(first.id(), last.id()));
					return;
				}
			}
		}
	}

	private static List<Long> ids(List<Op> ops) {
		return ops.stream().map(Op::id).limit(30).toList();
	}

	/** What the checker needs of a policy; {@code window} in milliseconds. */
	public record Policy(String algorithm, long limit, long window, long capacity, double refillPerSecond) {

		public static Map<String, Policy> of(Object... nameAndPolicy) {
			Map<String, Policy> policies = new LinkedHashMap<>();
			for (int i = 0; i < nameAndPolicy.length; i += 2) {
				policies.put((String) nameAndPolicy[i], (Policy) nameAndPolicy[i + 1]);
			}
			return policies;
		}

	}

}
