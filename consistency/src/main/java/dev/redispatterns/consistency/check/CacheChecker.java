package dev.redispatterns.consistency.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.redispatterns.consistency.history.Event;
import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.consistency.history.History;
import dev.redispatterns.consistency.history.Op;

/**
 * The cache in front of a versioned source. Every update ({@code put}: source, then {@code @CachePut};
 * {@code evict}: source, then {@code @CacheEvict}) creates the next version of its key; a {@code read}
 * answers the version it got, from Redis or from a load (the database logs every load). Invariants:
 * <ul>
 * <li>{@code stale-read}: a read that began after an update {@code u} had returned answered a version older
 * than {@code u}'s, although the update that wrote that older version had returned before {@code u} began
 * (so no order of the concurrent operations explains it). Where a fault that loses Redis state came in
 * between (the update itself was lost), or a Redis-side fault overlaps the update, the documentation describes it (an eviction or write skipped during an outage lives until the TTL): explained, its window
 * measured, and flagged only when it outlives the TTL.</li>
 * <li>{@code extra-load}: a key loaded twice within its TTL with no update of it and no fault in between
 * (one load per key per expiry, across all JVMs); an update that returned after the first load's read began
 * counts as in between, since that load's value is then not stored.</li>
 * </ul>
 */
public final class CacheChecker implements Checker {

	private final long ttlNanos;

	private final long minTtlNanos;

	private final long timeoutNanos;

	/**
	 * @param ttlMillis the cache's time to live
	 * @param jitterPercent the most the starter takes off each entry's TTL
	 * @param timeoutMillis the cache's {@code timeout}: a slower operation may have fallen back
	 */
	public CacheChecker(long ttlMillis, int jitterPercent, long timeoutMillis) {
		this.ttlNanos = ttlMillis * 1_000_000L;
		this.minTtlNanos = this.ttlNanos * (100 - jitterPercent) / 100;
		this.timeoutNanos = timeoutMillis * 1_000_000L;
	}

	/**
	 * Whether the operation took long enough that the cache may have given up on Redis ({@code timeout}) and
	 * fallen back as documented: the method ran (a load) or the write was skipped.
	 */
	private boolean mayHaveTimedOut(Op op) {
		return op == null || !op.ok() || op.complete() - op.invoke() >= this.timeoutNanos;
	}

	@Override
	public String pattern() {
		return "cache";
	}

	@Override
	public CheckResult check(History history) {
		CheckResult result = new CheckResult(pattern());
		Map<String, List<Op>> writes = new TreeMap<>();
		Map<String, List<Op>> reads = new TreeMap<>();
		Map<Long, Op> byId = new HashMap<>();
		for (Op op : history.ops(pattern())) {
			byId.put(op.id(), op);
			result.count(op.type() + "s", 1);
			(op.type().equals("read") ? reads : writes).computeIfAbsent(op.key(), (k) -> new ArrayList<>()).add(op);
		}
		// Which update created each version: the database logged every bump with its operation.
		Map<String, Op> versionWriter = new HashMap<>();
		Map<String, List<Event>> loads = new TreeMap<>();
		for (Event event : history.events()) {
			if (event.kind().equals("bump")) {
				Op writer = byId.get(event.op());
				if (writer != null) {
					versionWriter.put(event.key() + "@" + event.number(), writer);
				}
			}
			else if (event.kind().equals("load")) {
				loads.computeIfAbsent(event.key(), (k) -> new ArrayList<>()).add(event);
				result.count("loads", 1);
			}
		}
		reads.forEach((key, keyReads) -> staleReads(result, history, key, keyReads,
				writes.getOrDefault(key, List.of()), versionWriter));
		loads.forEach((key, keyLoads) -> extraLoads(result, history, key, keyLoads, writes.getOrDefault(key, List.of()),
				byId));
		return result;
	}

	private void staleReads(CheckResult result, History history, String key, List<Op> reads, List<Op> writes,
			Map<String, Op> versionWriter) {
		// Stale reads grouped by the update they missed, so one missed update is one finding.
		Map<Op, List<Op>> missed = new LinkedHashMap<>();
		for (Op read : reads) {
			if (!read.ok()) {
				continue;
			}
			long version = Long.parseLong(read.value());
			Op writerOfRead = versionWriter.get(key + "@" + version);
			long writtenBy = (version == 0 || writerOfRead == null) ? Long.MIN_VALUE
					: (writerOfRead.ok() ? writerOfRead.complete() : Long.MAX_VALUE);
			Op newest = null;
			for (Op update : writes) {
				if (!update.ok() || update.complete() >= read.invoke() || Long.parseLong(update.value()) <= version) {
					continue;
				}
				if (writtenBy < update.invoke() && (newest == null || update.complete() > newest.complete())) {
					newest = update;
				}
			}
			if (newest != null) {
				missed.computeIfAbsent(newest, (k) -> new ArrayList<>()).add(read);
			}
		}
		missed.forEach((update, stale) -> {
			Op last = stale.get(stale.size() - 1);
			long end = last.complete();
			FaultWindow lost = history.stateLossDuring(update.invoke(), stale.get(0).invoke(), GRACE);
			if (lost != null) {
				// The update itself was lost (a restart without persistence, a failover): documented.
				result.explained("stale-after-state-loss", lost, update.complete(), end);
				result.count("stale reads explained by lost state", stale.size());
				return;
			}
			FaultWindow fault = history.redisFaultDuring(update.invoke(), update.complete(), GRACE);
			if (fault == null && mayHaveTimedOut(update) && end - update.complete() <= this.ttlNanos) {
				// No scheduled fault, but the update waited longer than the cache timeout: skipped as documented.
				result.explained("stale-after-slow-" + update.type(), null, update.complete(), end);
				result.count("stale reads explained by a slow update", stale.size());
				return;
			}
			if (fault != null && end - update.complete() <= this.ttlNanos) {
				result.explained("stale-after-skipped-" + update.type(), fault, update.complete(), end);
				result.count("stale reads explained by a fault", stale.size());
				return;
			}
			List<Long> ids = new ArrayList<>();
			ids.add(update.id());
			stale.stream().limit(10).forEach((read) -> ids.add(read.id()));
			result.anomaly("stale-read", key, stale.get(0).invoke(), stale.size() + " read(s) began after "
					+ update.type() + " of version " + update.value() + " returned and answered older versions ("
					+ stale.get(0).value() + (stale.size() > 1 ? " .. " + last.value() : "") + ") for "
					+ String.format(Locale.ROOT, "%.1f ms", (end - update.complete()) / 1e6)
					+ ((fault != null) ? ", longer than the TTL after " + fault.name() : ""), ids);
			result.count("stale reads", stale.size());
		});
	}

	private void extraLoads(CheckResult result, History history, String key, List<Event> loads, List<Op> writes,
			Map<Long, Op> byId) {
		for (int i = 1; i < loads.size(); i++) {
			Event first = loads.get(i - 1);
			Event second = loads.get(i);
			if (second.time() - first.time() >= this.minTtlNanos) {
				continue;
			}
			// the first load's value is stored only if no update returned after its read began (its lease
			// predates the update): such an update explains the second load, even if it returned before the load
			Op firstRead = byId.get(first.op());
			long firstBegan = (firstRead != null) ? Math.min(firstRead.invoke(), first.time()) : first.time();
			boolean updated = writes.stream()
				.anyMatch((update) -> update.invoke() < second.time() && update.effectiveComplete() > firstBegan);
			if (updated) {
				continue;
			}
			FaultWindow fault = history.faultDuring(first.time(), second.time(), GRACE);
			if (fault != null) {
				result.explained("extra-load-under-fault", fault, first.time(), second.time());
				continue;
			}
			if (mayHaveTimedOut(byId.get(first.op())) || mayHaveTimedOut(byId.get(second.op()))) {
				// A read slower than the cache timeout runs the method (or its store is skipped): documented.
				result.explained("extra-load-after-slow-read", null, first.time(), second.time());
				continue;
			}
			result.anomaly("extra-load", key, second.time(), "loaded again " + String.format(Locale.ROOT, "%.1f ms",
					(second.time() - first.time()) / 1e6) + " after the previous load (by " + first.process() + ", now by "
					+ second.process() + ") with no update and no fault in between", List.of(first.op(), second.op()));
		}
	}

}
