package dev.redispatterns.consistency.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.redispatterns.consistency.check.Anomaly;
import dev.redispatterns.consistency.check.CheckResult;
import dev.redispatterns.consistency.check.Checker;
import dev.redispatterns.consistency.check.Explained;
import dev.redispatterns.consistency.history.Event;
import dev.redispatterns.consistency.history.FaultWindow;
import dev.redispatterns.consistency.history.History;
import dev.redispatterns.consistency.history.Op;
import dev.redispatterns.consistency.history.Times;

/**
 * Writes a run's folder — the history ({@code ops.jsonl}, {@code events.jsonl}, {@code handled.txt},
 * {@code faults.txt}) and {@code report.md}: the table pattern × fault (operations, anomalies, explained
 * look-alikes with their longest window) and every anomaly with the operations around it and the seed.
 */
final class Report {

	private Report() {
	}

	/** The fault an operation (or moment) belongs to: the one whose window, plus grace, contains it. */
	static String faultAt(History history, long time) {
		for (FaultWindow fault : history.faults()) {
			if (time >= fault.start() && time <= fault.end() + Checker.GRACE) {
				return fault.name();
			}
		}
		return "none";
	}

	static String table(History history, List<CheckResult> results) {
		List<String> faults = new ArrayList<>();
		faults.add("none");
		history.faults().forEach((fault) -> {
			if (!faults.contains(fault.name())) {
				faults.add(fault.name());
			}
		});
		StringBuilder out = new StringBuilder();
		out.append("| pattern | fault | operations | anomalies | explained (longest window) |\n");
		out.append("| --- | --- | ---: | ---: | --- |\n");
		for (CheckResult result : results) {
			Map<String, Long> ops = new HashMap<>();
			for (Op op : history.ops(result.pattern())) {
				ops.merge(faultAt(history, op.invoke()), 1L, Long::sum);
			}
			Map<String, Long> anomalies = new HashMap<>();
			for (Anomaly anomaly : result.anomalies()) {
				anomalies.merge(faultAt(history, anomaly.time()), 1L, Long::sum);
			}
			Map<String, Map<String, List<Explained>>> explained = new HashMap<>();
			for (Explained each : result.explained()) {
				explained.computeIfAbsent(each.fault(), (k) -> new TreeMap<>())
					.computeIfAbsent(each.kind(), (k) -> new ArrayList<>())
					.add(each);
			}
			for (String fault : faults) {
				long count = ops.getOrDefault(fault, 0L);
				long found = anomalies.getOrDefault(fault, 0L);
				String notes = explained.getOrDefault(fault, Map.of())
					.entrySet()
					.stream()
					.map((entry) -> entry.getValue().size() + " × " + entry.getKey() + " ("
							+ millis(entry.getValue().stream().mapToLong(Explained::window).max().orElse(0)) + ")")
					.collect(Collectors.joining(", "));
				if (count == 0 && found == 0 && notes.isEmpty()) {
					continue;
				}
				out.append("| ").append(result.pattern()).append(" | ").append(fault).append(" | ").append(count)
					.append(" | ").append(found).append(" | ").append(notes.isEmpty() ? "—" : notes).append(" |\n");
			}
		}
		return out.toString();
	}

	static String counts(List<CheckResult> results) {
		StringBuilder out = new StringBuilder();
		for (CheckResult result : results) {
			out.append("- ").append(result.pattern()).append(": ").append(result.counts().entrySet().stream()
				.map((entry) -> entry.getValue() + " " + entry.getKey()).collect(Collectors.joining(", "))).append('\n');
		}
		return out.toString();
	}

	static String anomalies(History history, List<CheckResult> results, String replay, int limit) {
		StringBuilder out = new StringBuilder();
		Map<Long, Op> byId = new HashMap<>();
		history.ops().forEach((op) -> byId.put(op.id(), op));
		int shown = 0;
		for (CheckResult result : results) {
			for (Anomaly anomaly : result.anomalies()) {
				if (shown++ >= limit) {
					out.append("\n(").append(total(results) - limit).append(" more in report.md)\n");
					return out.toString();
				}
				out.append("\n### ").append(anomaly.pattern()).append(" ").append(anomaly.kind()).append(" on ")
					.append(anomaly.key()).append(" at ").append(Times.seconds(anomaly.time())).append(" (fault: ")
					.append(faultAt(history, anomaly.time())).append(")\n\n").append(anomaly.description())
					.append("\n\nReplay: `").append(replay).append("`\n\nProving operations:\n\n```\n");
				for (long id : anomaly.ops()) {
					Op op = byId.get(id);
					out.append((op != null) ? op.describe() : "#" + id).append('\n');
				}
				out.append("```\n\nAround it (same pattern and key, ±1 s):\n\n```\n");
				history.ops(anomaly.pattern())
					.stream()
					.filter((op) -> op.key().equals(anomaly.key()) && Math.abs(op.invoke() - anomaly.time()) < 1_000_000_000L)
					.limit(15)
					.forEach((op) -> out.append(op.describe()).append('\n'));
				if (anomaly.pattern().equals("lock") || anomaly.pattern().equals("cache")) {
					history.events()
						.stream()
						.filter((event) -> event.key().equals(anomaly.key()) && Math.abs(event.time() - anomaly.time()) < 500_000_000L)
						.limit(20)
						.forEach((event) -> out.append("  db ").append(Times.seconds(event.time())).append(' ')
							.append(event.kind()).append(' ').append(event.number()).append(" by ").append(event.process())
							.append(" op #").append(event.op()).append(event.accepted() ? " ✓" : " ✗").append('\n'));
				}
				out.append("```\n");
			}
		}
		return out.toString();
	}

	static long total(List<CheckResult> results) {
		return results.stream().mapToLong((result) -> result.anomalies().size()).sum();
	}

	static void write(Path folder, History history, List<CheckResult> results, String header, String replay) {
		try {
			Files.createDirectories(folder);
			Files.write(folder.resolve("ops.jsonl"), history.ops().stream().map(Report::json).toList());
			Files.write(folder.resolve("events.jsonl"), history.events().stream().map(Report::json).toList());
			Files.write(folder.resolve("handled.txt"), history.handled().stream()
				.map((h) -> h.kind() + " " + h.message() + " " + h.delivery() + " " + h.attempt() + " " + h.process()).toList());
			Files.write(folder.resolve("faults.txt"), history.faults().stream()
				.map((f) -> Times.seconds(f.start()) + " .. " + Times.seconds(f.end()) + "  " + f.name() + " (" + f.target() + ")")
				.toList());
			String report = header + "\n\n## Pattern × fault\n\n" + table(history, results) + "\n## Counts\n\n"
					+ counts(results) + "\n## Anomalies (" + total(results) + ")\n"
					+ anomalies(history, results, replay, Integer.MAX_VALUE);
			Files.writeString(folder.resolve("report.md"), report);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String json(Op op) {
		return String.format(Locale.ROOT,
				"{\"id\":%d,\"pattern\":\"%s\",\"process\":\"%s\",\"type\":\"%s\",\"key\":\"%s\",\"invoke\":%d,\"complete\":%s,\"status\":\"%s\",\"value\":\"%s\",\"detail\":\"%s\"}",
				op.id(), op.pattern(), op.process(), op.type(), escape(op.key()), op.invoke(),
				(op.complete() == Long.MAX_VALUE) ? "null" : Long.toString(op.complete()), op.status(), escape(op.value()),
				escape(op.detail()));
	}

	static String json(Event event) {
		return String.format(Locale.ROOT,
				"{\"time\":%d,\"kind\":\"%s\",\"key\":\"%s\",\"number\":%d,\"process\":\"%s\",\"op\":%d,\"accepted\":%s}",
				event.time(), event.kind(), escape(event.key()), event.number(), event.process(), event.op(),
				event.accepted());
	}

	private static String escape(String text) {
		return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
	}

	private static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
	}


}
