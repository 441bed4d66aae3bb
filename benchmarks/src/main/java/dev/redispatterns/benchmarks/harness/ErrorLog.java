package dev.redispatterns.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts errors by message so a report shows what failed without flooding it. */
public final class ErrorLog {

	private static final int MAX_DISTINCT = 20;

	private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

	public void record(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = describe(error) + ((root != error) ? " (cause: " + describe(root) + ")" : "");
		if (message.length() > 240) {
			message = message.substring(0, 240) + "...";
		}
		LongAdder count = this.counts.get(message);
		if (count == null) {
			if (this.counts.size() >= MAX_DISTINCT) {
				return;
			}
			count = this.counts.computeIfAbsent(message, (key) -> new LongAdder());
		}
		count.increment();
	}

	private static String describe(Throwable error) {
		return error.getClass().getSimpleName() + ": " + error.getMessage();
	}

	public List<String> samples() {
		List<String> samples = new ArrayList<>();
		this.counts.entrySet()
			.stream()
			.sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
			.limit(5)
			.forEach((entry) -> samples.add(entry.getValue().sum() + "x " + entry.getKey()));
		return samples;
	}

}
