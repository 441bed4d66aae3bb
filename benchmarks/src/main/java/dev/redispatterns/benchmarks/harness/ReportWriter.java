package dev.redispatterns.benchmarks.harness;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.benchmarks.layers.LayerGroup;
import dev.redispatterns.benchmarks.layers.LayerSuite;
import dev.redispatterns.benchmarks.layers.LayerSuite.Score;

/**
 * Writes a run's markdown report: the run's facts, a summary of ratios, one table per workload with every
 * implementation (measured, not applicable or failed), the targets, and the layer-cost tables.
 */
public final class ReportWriter {

	private final StringBuilder out = new StringBuilder();

	private final RunInfo run;

	/** Per cell, the pass with its median throughput (see {@link Results#representative()}). */
	private final Map<String, CellResult> results;

	private final Results all;

	private final @Nullable Map<String, Score> layerScores;

	private final Map<String, String> layerFailures;

	/**
	 * @param passes cell results of each pass over the selected cells, in the order they ran
	 * @param layers outcome of the layer-cost benchmarks, or {@code null} when none ran
	 */
	public ReportWriter(RunInfo run, List<Map<String, CellResult>> passes, LayerSuite.@Nullable Outcome layers) {
		this.run = run;
		this.layerScores = (layers != null) ? layers.scores() : null;
		this.layerFailures = (layers != null) ? layers.failures() : Map.of();
		this.all = new Results(passes, (this.layerScores != null) ? this.layerScores : Map.of());
		this.results = this.all.representative();
	}

	public String write(List<Workload> workloads, List<LayerGroup> layers, List<Target> targets) {
		SuiteOptions options = this.run.options();
		line("# Redis Patterns benchmarks, " + DateTimeFormatter.ISO_LOCAL_DATE.format(this.run.started().atZone(ZoneOffset.UTC)));
		line("");
		if (options.quick()) {
			line("> **Quick smoke run** (`-Dbench.quick=true`): every cell ran for about two seconds to show that it "
					+ "works end to end. These numbers are not measurements; do not quote them.");
			line("");
		}
		if (!options.include().isEmpty()) {
			line("> **Subset run**: only cells matching `" + String.join(",", options.include())
					+ "` (plus their floors) were measured.");
			line("");
		}
		line("Each implementation is measured in its own JVM in the same run as the floor of its workload: raw "
				+ "Lettuce (raw Jedis in the `e2e-jedis-*` workloads) doing the least Redis work the operation needs. "
				+ "On a shared machine absolute numbers move between runs; the ratios to the floor measured in one run "
				+ "are what to read. Latencies are per operation as seen by a client thread (closed loop: a slower "
				+ "implementation is offered less load).");
		line("");
		if (this.all.passes() > 1) {
			line("> **" + this.all.passes() + " passes** (`-Dbench.passes`): every selected cell ran " + this.all.passes()
					+ " times, each pass in turn (the second backwards within each workload, so no cell always follows "
					+ "its floor). Ratios are the median of the ratios measured within each pass (all of them are in "
					+ "\"Passes\" below); throughput and latencies in the tables are those of each cell's median pass, "
					+ "errors are summed and the `...Max` stampede figures are the largest of the passes.");
			line("");
		}
		writeRun(workloads);
		writeSummary(workloads);
		writePublicPath(workloads);
		writeTargets(workloads, layers, targets);
		writePasses(workloads);
		for (Workload workload : workloads) {
			writeWorkload(workload);
		}
		if (this.layerScores != null) {
			for (LayerGroup group : layers) {
				writeLayers(group);
			}
		}
		return this.out.toString();
	}

	private void writeRun(List<Workload> workloads) {
		SuiteOptions options = this.run.options();
		line("## Run");
		line("");
		line("| | |");
		line("| --- | --- |");
		line("| command | `" + this.run.command() + "` |");
		line("| machine | " + this.run.machine() + " |");
		line("| load average (1/5/15 min) | " + this.run.loadBefore() + " at start, " + this.run.loadAfter() + " at end |");
		line("| JDK | " + this.run.jdk() + " |");
		line("| Redis | " + this.run.redis() + " |");
		line("| harness | 16 client threads unless stated; warm-up " + seconds(options.warmup().toMillis())
				+ longerWarmups(workloads)
				+ " + measure " + seconds(options.measure().toMillis())
				+ " per cell; one JVM per (workload, implementation), all cells in this run"
				+ ((this.all.passes() > 1) ? ", " + this.all.passes() + " passes" : "") + "; stampede: "
				+ options.rounds() + " measured rounds after 1 warm-up round; cell JVMs `"
				+ String.join(" ", options.childJvmArgs()) + "`; layer costs: JMH, 1 fork, 1 thread |");
		StringBuilder libraries = new StringBuilder();
		this.run.libraries().forEach((name, version) -> libraries.append((libraries.length() > 0) ? ", " : "")
			.append(name).append(' ').append(version));
		line("| libraries | " + libraries + " |");
		line("| started, took | " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
			.format(this.run.started().atZone(ZoneOffset.UTC)) + ", " + minutes(this.run.took().toSeconds()) + " |");
		line("");
	}

	/** The workloads that warm up longer than configured, for the run table. */
	private String longerWarmups(List<Workload> workloads) {
		SuiteOptions options = this.run.options();
		List<String> longer = new ArrayList<>();
		for (Workload workload : workloads) {
			if (!workload.warmup(options).equals(options.warmup()) && anyMeasured(workload)) {
				longer.add("`" + workload.id() + "` " + seconds(workload.warmup(options).toMillis()));
			}
		}
		return longer.isEmpty() ? "" : " (" + String.join(", ", longer) + ")";
	}

	private void writeSummary(List<Workload> workloads) {
		line("## Summary: ratios to the floor");
		line("");
		line("| workload | floor | others (× floor; stampede: loads per round, slowest caller) |");
		line("| --- | ---: | --- |");
		for (Workload workload : workloads) {
			Implementation<?> floor = workload.floor();
			CellResult floorResult = (floor != null) ? this.results.get(cellId(workload, floor)) : null;
			if (floorResult == null && !anyMeasured(workload)) {
				continue;
			}
			boolean stampede = workload.reportStyle().kind() == ReportStyle.Kind.STAMPEDE;
			String floorText = (floorResult == null) ? "not run"
					: floorResult.isFailed() ? "failed"
							: stampede ? stampedeShort(floorResult)
									: number(floorResult.operationsPerSecond()) + " " + workload.reportStyle().unit();
			List<String> others = new ArrayList<>();
			for (Implementation<?> implementation : workload.implementations()) {
				if (implementation == floor || implementation.role() == Implementation.Role.FLOOR) {
					// further floors (one per script) are in the workload's table
					continue;
				}
				String name = shortName(workload, implementation);
				if (!implementation.measurable()) {
					others.add(name + ": n/a");
					continue;
				}
				CellResult result = this.results.get(cellId(workload, implementation));
				if (result == null) {
					continue;
				}
				if (result.isFailed()) {
					others.add(name + ": failed");
				}
				else if (stampede) {
					others.add(name + " " + stampedeShort(result));
				}
				else {
					others.add(name + " " + ratio(workload, implementation, result));
				}
			}
			line("| " + workload.title() + " | " + floorText + " | " + String.join("; ", others) + " |");
		}
		line("");
	}

	/**
	 * The public-path table: every workload whose id starts with {@value #PUBLIC_PATH}, each implementation
	 * as a ratio to its workload's floor (the starter's annotated cells also to their engine) with its
	 * client CPU time per operation.
	 */
	private void writePublicPath(List<Workload> workloads) {
		List<Workload> selected = workloads.stream()
			.filter((workload) -> workload.id().startsWith(PUBLIC_PATH) && anyMeasured(workload))
			.toList();
		if (selected.isEmpty()) {
			return;
		}
		line("## Through the public path");
		line("");
		line("The starter as applications use it (annotated bean methods, Spring's `CacheManager`, in a Spring Boot "
				+ "context with Actuator, Micrometer and default settings) beside its engine, raw Lettuce or Jedis (the "
				+ "floor) and the peers, all in this run. Ratios are throughput ÷ the floor's; CPU is the client JVM's "
				+ "(all its threads) per operation. Stampede rows: loads per round and slowest caller.");
		line("");
		line("| workload | floor | implementations (× floor, client CPU/op) |");
		line("| --- | ---: | --- |");
		for (Workload workload : selected) {
			Implementation<?> floor = workload.floor();
			CellResult floorResult = (floor != null) ? this.results.get(cellId(workload, floor)) : null;
			boolean stampede = workload.reportStyle().kind() == ReportStyle.Kind.STAMPEDE;
			String floorText = (floorResult == null) ? "not run"
					: floorResult.isFailed() ? "failed"
							: stampede ? stampedeShort(floorResult)
									: number(floorResult.operationsPerSecond()) + " " + workload.reportStyle().unit()
											+ ", " + cpu(floorResult.clientCpuPerOperation());
			List<String> parts = new ArrayList<>();
			for (Implementation<?> implementation : workload.implementations()) {
				if (implementation == floor) {
					continue;
				}
				CellResult result = this.results.get(cellId(workload, implementation));
				if (result == null) {
					continue;
				}
				String name = "`" + implementation.id() + "`";
				if (result.isFailed()) {
					parts.add(name + " failed");
				}
				else if (stampede) {
					parts.add(name + " " + stampedeShort(result));
				}
				else {
					String p99 = workload.reportStyle().latency().equals("time to acquire")
							? ", p99 " + latency(result.histogram().getValueAtPercentile(99)) : "";
					parts.add(name + " " + ratio(workload, implementation, result) + ", "
							+ cpu(result.clientCpuPerOperation()) + p99);
				}
			}
			line("| " + workload.title() + " | " + floorText + " | " + String.join("; ", parts) + " |");
		}
		line("");
	}

	/** Id prefix of the public-path workloads ({@code -Dbench.include=e2e-} runs just them). */
	public static final String PUBLIC_PATH = "e2e-";

	private void writeTargets(List<Workload> workloads, List<LayerGroup> layers, List<Target> targets) {
		if (targets.isEmpty()) {
			return;
		}
		Results results = this.all;
		line("## Targets of this starter");
		line("");
		line("The starter's targets (`PERFORMANCE.md` and the caching, rate-limit and lock issues), checked against "
				+ "this run" + (this.run.options().quick() ? " — meaningless in a quick smoke run" : "") + ".");
		line("");
		line("| workload | target | measured in this run | |");
		line("| --- | --- | --- | --- |");
		for (Target target : targets) {
			if (!ranAnything(target.workload(), workloads, layers)) {
				continue;
			}
			Target.Verdict verdict = target.check().apply(results);
			if (verdict.status() == Target.Status.NOT_MEASURED && !this.run.options().include().isEmpty()) {
				// a subset run: the starter's cells of this workload were not selected
				continue;
			}
			line("| " + title(target.workload(), workloads, layers) + " | " + target.text() + " | "
					+ verdict.measured().replace('|', '/') + " | " + verdict.status().text() + " |");
		}
		line("");
	}

	/** Whether the run measured any cell of the workload, or any method of the layer group, {@code id}. */
	private boolean ranAnything(String id, List<Workload> workloads, List<LayerGroup> layers) {
		for (Workload workload : workloads) {
			if (workload.id().equals(id)) {
				return anyMeasured(workload);
			}
		}
		for (LayerGroup group : layers) {
			if (group.id().equals(id) && this.layerScores != null) {
				return group.rows()
					.stream()
					.anyMatch((row) -> row.isMeasured() && this.layerScores.containsKey(method(group, row.method())));
			}
		}
		return false;
	}

	private static String title(String id, List<Workload> workloads, List<LayerGroup> layers) {
		for (Workload workload : workloads) {
			if (workload.id().equals(id)) {
				return workload.title();
			}
		}
		for (LayerGroup group : layers) {
			if (group.id().equals(id)) {
				return group.title();
			}
		}
		return id;
	}

	private boolean anyMeasured(Workload workload) {
		return workload.implementations().stream().anyMatch((i) -> this.results.containsKey(cellId(workload, i)));
	}

	private void writeWorkload(Workload workload) {
		if (!anyMeasured(workload)) {
			return;
		}
		line("## " + workload.title());
		line("");
		line(workload.description());
		line("");
		ReportStyle style = workload.reportStyle();
		List<String> notes = new ArrayList<>();
		if (style.kind() == ReportStyle.Kind.STAMPEDE) {
			line("| implementation | loads per round (mean / max) | slowest caller (median / max) | caller p50 / p99 "
					+ "| Redis commands per round | per caller | round trips per caller | errors |");
			line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		}
		else {
			String success = style.success().isEmpty() ? "" : " " + style.success() + " |";
			line("| implementation | " + style.unit() + " | × floor | " + style.latency() + " p50 | p99 | p99.9 "
					+ "| Redis commands/op | client CPU/op | Redis CPU/op |" + success + " errors |");
			line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
					+ (style.success().isEmpty() ? "" : " ---: |") + " ---: |");
		}
		for (Implementation<?> implementation : workload.implementations()) {
			String label = implementation.label()
					+ ((implementation.role() == Implementation.Role.FLOOR) ? " — **floor**" : "");
			if (implementation.note() != null && implementation.measurable()) {
				notes.add(implementation.label() + ": " + implementation.note());
			}
			if (!implementation.measurable()) {
				line("| " + label + " | " + implementation.note() + " |");
				continue;
			}
			CellResult result = this.results.get(cellId(workload, implementation));
			if (result == null) {
				line("| " + label + " | not run (excluded by `-Dbench.include`) |");
				continue;
			}
			if (result.isFailed()) {
				line("| " + label + " | **failed**: " + result.failure().replace('|', '/') + " |");
				continue;
			}
			for (String sample : result.errorSamples()) {
				notes.add(implementation.label() + " error: " + sample.replace('|', '/'));
			}
			for (String note : result.notes()) {
				notes.add(implementation.label() + ": " + note);
			}
			String warming = warmingUp(result);
			if (warming != null) {
				notes.add(implementation.label() + ": " + warming);
			}
			if (result.operations() == 0) {
				notes.add(implementation.label() + ": no operation completed inside the measured window (each took "
						+ "longer than the window, or all failed); its figures are empty, not zero-cost");
			}
			if (style.kind() == ReportStyle.Kind.STAMPEDE) {
				line(stampedeRow(label, result));
			}
			else {
				line(throughputRow(workload, implementation, label, result));
			}
		}
		line("");
		for (String note : notes) {
			line("- " + note);
		}
		if (!notes.isEmpty()) {
			line("");
		}
	}

	private String throughputRow(Workload workload, Implementation<?> implementation, String label, CellResult result) {
		Histogram histogram = result.histogram();
		StringBuilder row = new StringBuilder("| ").append(label)
			.append(" | ")
			.append(number(result.operationsPerSecond()))
			.append(" | ")
			.append(ratio(workload, implementation, result))
			.append(" | ")
			.append(latency(histogram.getValueAtPercentile(50)))
			.append(" | ")
			.append(latency(histogram.getValueAtPercentile(99)))
			.append(" | ")
			.append(latency(histogram.getValueAtPercentile(99.9)))
			.append(" | ")
			.append(Double.isNaN(result.commandsPerOperation()) ? "n/a"
					: String.format(Locale.ROOT, "%.1f", result.commandsPerOperation()))
			.append(" | ")
			.append(cpu(result.clientCpuPerOperation()))
			.append(" | ")
			.append(cpu(result.redisCpuPerOperation()))
			.append(" |");
		if (!workload.reportStyle().success().isEmpty()) {
			row.append(' ')
				.append((result.operations() > 0)
						? String.format(Locale.ROOT, "%.1f%%", 100.0 * result.successes() / result.operations()) : "n/a")
				.append(" |");
		}
		row.append(' ').append(result.errors()).append(" |");
		return row.toString();
	}

	private static String cpu(double nanos) {
		return Double.isNaN(nanos) ? "n/a" : latency(Math.round(nanos));
	}

	private String stampedeRow(String label, CellResult result) {
		Map<String, Double> m = result.metrics();
		Histogram histogram = result.histogram();
		double perRound = m.getOrDefault("commandsPerRoundMean", Double.NaN);
		double callers = m.getOrDefault("callers", 64.0);
		return "| " + label + " | " + String.format(Locale.ROOT, "%.1f / %.0f", m.get("loadsPerRoundMean"),
				m.get("loadsPerRoundMax")) + " | "
				+ millis(m.get("slowestCallerMedianMillis")) + " / " + millis(m.get("slowestCallerMaxMillis")) + " | "
				+ latency(histogram.getValueAtPercentile(50)) + " / " + latency(histogram.getValueAtPercentile(99))
				+ " | " + number(perRound) + " | " + String.format(Locale.ROOT, "%.1f", perRound / callers) + " | "
				+ String.format(Locale.ROOT, "%.1f", m.getOrDefault("clientCommandsMonitoredRound", Double.NaN) / callers)
				+ " | " + result.errors() + " |";
	}

	private String stampedeShort(CellResult result) {
		Map<String, Double> m = result.metrics();
		return String.format(Locale.ROOT, "%.1f loads", m.get("loadsPerRoundMean")) + ", "
				+ millis(m.get("slowestCallerMedianMillis"));
	}

	private String ratio(Workload workload, Implementation<?> implementation, CellResult result) {
		if (implementation.role() == Implementation.Role.FLOOR && implementation.baseline() == null) {
			return "1.00×";
		}
		Implementation<?> base = baseOf(workload, implementation);
		double ratio = (base != null) ? this.all.ratio(workload.id(), implementation.id(), base.id()) : Double.NaN;
		if (Double.isNaN(ratio)) {
			return "n/a";
		}
		String text = String.format(Locale.ROOT, "%.2f×", ratio);
		return (base == workload.floor()) ? text : text + " of " + base.id();
	}

	/**
	 * A note when the JIT compiler or the garbage collector took more than 5% of the cell's client CPU in
	 * the measured window: its figures then include warm-up or memory pressure, not only the operation.
	 */
	private static @Nullable String warmingUp(CellResult result) {
		Double cpu = result.metrics().get(CellResult.CLIENT_CPU_TOTAL);
		if (cpu == null || cpu <= 0) {
			return null;
		}
		double jit = result.metrics().getOrDefault(CellResult.JIT_TOTAL, 0.0);
		double gc = result.metrics().getOrDefault(CellResult.GC_TOTAL, 0.0);
		if (jit < 0.05 * cpu && gc < 0.05 * cpu) {
			return null;
		}
		return String.format(Locale.ROOT, "in the measured window the JIT compiled for %s and garbage collection "
				+ "took %s, against %s of client CPU", latency(Math.round(jit)), latency(Math.round(gc)),
				latency(Math.round(cpu)));
	}

	private static @Nullable Implementation<?> baseOf(Workload workload, Implementation<?> implementation) {
		return (implementation.baseline() != null) ? workload.implementation(implementation.baseline())
				: workload.floor();
	}

	/** With several passes: each cell's ratio in every pass, so the spread behind a median is visible. */
	private void writePasses(List<Workload> workloads) {
		if (this.all.passes() < 2) {
			return;
		}
		line("## Passes");
		line("");
		line("Each cell's ratio to its floor (or named baseline) in every pass, in the order the passes ran, and the "
				+ "median the report uses. Stampede workloads are left out: their figures are per round, not ratios.");
		line("");
		line("| workload | implementation | ratio in each pass | median |");
		line("| --- | --- | --- | ---: |");
		for (Workload workload : workloads) {
			if (workload.reportStyle().kind() == ReportStyle.Kind.STAMPEDE) {
				continue;
			}
			for (Implementation<?> implementation : workload.implementations()) {
				Implementation<?> base = baseOf(workload, implementation);
				if (base == null || base == implementation || implementation.role() == Implementation.Role.FLOOR
						|| this.results.get(cellId(workload, implementation)) == null) {
					continue;
				}
				List<Double> ratios = this.all.ratios(workload.id(), implementation.id(), base.id());
				List<String> texts = new ArrayList<>();
				for (double ratio : ratios) {
					texts.add(Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio));
				}
				double median = Results.median(ratios);
				line("| `" + workload.id() + "` | `" + implementation.id() + "`"
						+ ((base == workload.floor()) ? "" : " (of `" + base.id() + "`)") + " | " + String.join(" / ", texts)
						+ " | " + (Double.isNaN(median) ? "n/a" : String.format(Locale.ROOT, "%.2f×", median)) + " |");
			}
		}
		line("");
	}

	private void writeLayers(LayerGroup group) {
		boolean anyScore = group.rows().stream()
			.anyMatch((row) -> row.isMeasured() && this.layerScores.containsKey(method(group, row.method())));
		String failure = this.layerFailures.get(group.id());
		if (!anyScore && failure == null && group.benchmark() != null) {
			return;
		}
		line("## " + group.title());
		line("");
		line(group.description());
		line("");
		line("| benchmark | time per call | × baseline | added per call |");
		line("| --- | ---: | ---: | ---: |");
		if (failure != null) {
			line("| **failed**: " + failure.replace('|', '/') + " |");
		}
		for (LayerGroup.Row row : group.rows()) {
			if (!row.isMeasured()) {
				line("| " + row.label() + " | " + row.note() + " |");
				continue;
			}
			Score score = this.layerScores.get(method(group, row.method()));
			if (score == null) {
				line("| " + row.label() + " | not run |");
				continue;
			}
			String time = latency(Math.round(score.nanos()))
					+ (Double.isNaN(score.error()) ? "" : " ± " + latency(Math.round(score.error())));
			if (row.baseline() == null) {
				line("| " + row.label() + " (baseline) | " + time + " | 1.00× | — |");
				continue;
			}
			Score base = this.layerScores.get(method(group, row.baseline()));
			String ratio = (base != null) ? String.format(Locale.ROOT, "%.2f×", score.nanos() / base.nanos()) : "n/a";
			String added = (base != null) ? latency(Math.round(score.nanos() - base.nanos())) : "n/a";
			line("| " + row.label() + " | " + time + " | " + ratio + " | " + added + " |");
		}
		line("");
	}

	private static String method(LayerGroup group, String method) {
		return group.benchmark().getName() + "." + method;
	}

	public static String cellId(Workload workload, Implementation<?> implementation) {
		return workload.id() + "/" + implementation.id();
	}

	/** The label without its parenthesised detail, unless another implementation of the workload shares it. */
	private static String shortName(Workload workload, Implementation<?> implementation) {
		String name = stripDetail(implementation.label());
		long sharing = workload.implementations()
			.stream()
			.filter((other) -> stripDetail(other.label()).equals(name))
			.count();
		return (sharing > 1) ? implementation.label() : name;
	}

	private static String stripDetail(String label) {
		int cut = label.indexOf(" (");
		return (cut > 0) ? label.substring(0, cut) : label;
	}

	static String number(double value) {
		if (Double.isNaN(value)) {
			return "n/a";
		}
		return String.format(Locale.ROOT, "%,.0f", value);
	}

	/** A duration in the unit that suits it ({@code 850 ns}, {@code 12.3 µs}, {@code 4.56 ms}). */
	public static String latency(long nanos) {
		long magnitude = Math.abs(nanos);
		if (magnitude < 1_000) {
			return nanos + " ns";
		}
		if (magnitude < 1_000_000) {
			return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
		}
		if (magnitude < 1_000_000_000) {
			return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
		}
		return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
	}

	private static String millis(@Nullable Double millis) {
		return (millis == null) ? "n/a" : latency(Math.round(millis * 1e6));
	}

	private static String seconds(long millis) {
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
	}

	private static String minutes(long seconds) {
		return (seconds >= 60) ? (seconds / 60) + " min " + (seconds % 60) + " s" : seconds + " s";
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

}
