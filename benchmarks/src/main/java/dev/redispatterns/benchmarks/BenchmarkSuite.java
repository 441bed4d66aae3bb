package dev.redispatterns.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.redispatterns.benchmarks.harness.CellLauncher;
import dev.redispatterns.benchmarks.harness.CellResult;
import dev.redispatterns.benchmarks.harness.Environment;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.RedisInfo;
import dev.redispatterns.benchmarks.harness.ReportWriter;
import dev.redispatterns.benchmarks.harness.RunInfo;
import dev.redispatterns.benchmarks.harness.SuiteOptions;
import dev.redispatterns.benchmarks.harness.Workload;
import dev.redispatterns.benchmarks.layers.LayerGroup;
import dev.redispatterns.benchmarks.layers.LayerSuite;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RespClient;

/**
 * Runs the whole suite: starts a {@code redis-server} on a free loopback port (or uses
 * {@code -Dredis.url}), runs every selected (workload, implementation) cell in fresh JVMs one after the
 * other, then the layer-cost benchmarks with JMH, and writes {@code results/<date>.md}.
 * Exits with status 1 when a cell failed, so a smoke run fails loudly.
 */
public final class BenchmarkSuite {

	private BenchmarkSuite() {
	}

	public static void main(String[] args) throws Exception {
		SuiteOptions options = SuiteOptions.fromSystemProperties();
		List<Cell> cells = plan(options);
		List<LayerGroup> layers = Catalog.layers().stream().filter((group) -> options.includes(group.id())).toList();
		long layerMethods = layers.stream()
			.flatMap((group) -> group.rows().stream())
			.filter(LayerGroup.Row::isMeasured)
			.count();
		Duration estimate = Duration.ZERO;
		for (Cell cell : cells) {
			// JVM start-up, set-up and tear-down: 2 to 3 s for one JVM on a 2-core machine (measured with a load
			// average of 5), the 4 JVMs of a cell in parallel
			estimate = estimate.plus(cell.workload.expectedDuration(options)).plusSeconds(1L + 2L * cell.workload.jvms());
		}
		estimate = estimate.multipliedBy(options.passes());
		for (LayerGroup group : layers) {
			estimate = estimate.plusSeconds((long) LayerSuite.expectedSeconds(group, options));
		}
		log("%d cells%s and %d layer benchmarks planned, about %d min %d s", cells.size(),
				(options.passes() > 1) ? " in " + options.passes() + " passes" : "", layerMethods, estimate.toMinutes(),
				estimate.toSecondsPart());
		if (Boolean.getBoolean("bench.dry-run")) {
			cells.forEach((cell) -> log("  %s", cell.id()));
			layers.forEach((group) -> log("  %s", group.id()));
			return;
		}

		Instant started = Instant.now();
		String loadBefore = Environment.loadAverage();
		RedisServerProcess server = null;
		String host;
		int port;
		String redisDescription;
		if (options.redisUrl() != null) {
			URI uri = URI.create(options.redisUrl());
			host = uri.getHost();
			port = uri.getPort();
			Object keys = RespClient.call(host, port, "DBSIZE");
			if (!Long.valueOf(0).equals(keys)) {
				throw new IllegalStateException("-Dredis.url=" + options.redisUrl() + " holds " + keys
						+ " keys; the suite flushes its server between cells, so it needs an empty, disposable one");
			}
			redisDescription = "given by `-Dredis.url`";
		}
		else {
			server = RedisServerProcess.start();
			host = server.host();
			port = server.port();
			redisDescription = "started by the suite on a free loopback port (`--save \"\" --appendonly no`)";
		}
		int exit = 0;
		try {
			Map<String, String> serverInfo = RedisInfo.section(host, port, "server");
			String redis = "redis-server " + serverInfo.getOrDefault("redis_version", "?") + " at " + host + ":" + port
					+ ", " + redisDescription;
			log("Redis: %s", redis);
			List<Map<String, CellResult>> passes = new ArrayList<>();
			CellLauncher launcher = new CellLauncher(options, host, port);
			for (int pass = 1; pass <= options.passes(); pass++) {
				Map<String, CellResult> results = new LinkedHashMap<>();
				List<Cell> order = inPass(cells, pass);
				String prefix = (options.passes() > 1) ? "[pass " + pass + "/" + options.passes() + "] " : "";
				int index = 0;
				for (Cell cell : order) {
					index++;
					RespClient.call(host, port, "FLUSHALL");
					long begin = System.nanoTime();
					CellResult result = launcher.run(cell.workload, cell.implementation);
					results.put(ReportWriter.cellId(cell.workload, cell.implementation), result);
					log("%s[%d/%d] %-40s %s (%.0f s)", prefix, index, order.size(), cell.id(), summary(result),
							(System.nanoTime() - begin) / 1e9);
					if (result.isFailed()) {
						exit = 1;
					}
				}
				passes.add(results);
			}
			LayerSuite.Outcome layerOutcome = null;
			if (layerMethods > 0) {
				RespClient.call(host, port, "FLUSHALL");
				long begin = System.nanoTime();
				layerOutcome = LayerSuite.run(layers, options, "redis://" + host + ":" + port);
				log("layer benchmarks: %d scores (%.0f s)", layerOutcome.scores().size(),
						(System.nanoTime() - begin) / 1e9);
				layerOutcome.failures().forEach((group, failure) -> log("layer group %s failed: %s", group, failure));
				if (!layerOutcome.failures().isEmpty()) {
					exit = 1;
				}
			}
			RunInfo run = new RunInfo(options.command(), Environment.machine(), Environment.jdk(), redis, loadBefore,
					Environment.loadAverage(), started, Duration.between(started, Instant.now()), Environment.libraries(),
					options);
			String report = new ReportWriter(run, passes, layerOutcome).write(Catalog.workloads(), Catalog.layers(),
					Targets.all());
			Path file = reportFile(options);
			Files.createDirectories(file.getParent());
			Files.writeString(file, report, StandardCharsets.UTF_8);
			log("report written to %s (run took %d min %d s)", file.toAbsolutePath().normalize(), run.took().toMinutes(),
					run.took().toSecondsPart());
		}
		finally {
			if (server != null) {
				server.close();
			}
		}
		System.exit(exit);
	}

	/** Selected cells in catalog order, plus the floor of every workload that has a selected cell. */
	static List<Cell> plan(SuiteOptions options) {
		List<Cell> cells = new ArrayList<>();
		for (Workload workload : Catalog.workloads()) {
			Set<Implementation<?>> chosen = new LinkedHashSet<>();
			for (Implementation<?> implementation : workload.implementations()) {
				if (implementation.measurable() && options.includes(workload.id() + "/" + implementation.id())) {
					chosen.add(implementation);
					if (implementation.baseline() != null) {
						chosen.add(workload.implementation(implementation.baseline()));
					}
				}
			}
			if (!chosen.isEmpty() && workload.floor() != null) {
				chosen.add(workload.floor());
			}
			for (Implementation<?> implementation : workload.implementations()) {
				if (chosen.contains(implementation)) {
					cells.add(new Cell(workload, implementation));
				}
			}
		}
		return cells;
	}

	/**
	 * The cells of one pass: in plan order, except that every second pass runs each workload's cells
	 * backwards, so a drift of the machine during a workload does not always favour the cells run first.
	 */
	static List<Cell> inPass(List<Cell> cells, int pass) {
		if (pass % 2 == 1) {
			return cells;
		}
		List<Cell> order = new ArrayList<>();
		List<Cell> group = new ArrayList<>();
		for (Cell cell : cells) {
			if (!group.isEmpty() && group.get(0).workload != cell.workload) {
				Collections.reverse(group);
				order.addAll(group);
				group.clear();
			}
			group.add(cell);
		}
		Collections.reverse(group);
		order.addAll(group);
		return order;
	}

	private static Path reportFile(SuiteOptions options) {
		String date = LocalDate.now(ZoneOffset.UTC).toString();
		String suffix = options.quick() ? "-quick" : !options.include().isEmpty() ? "-subset" : "";
		return options.output().resolve(date + suffix + ".md");
	}

	private static String summary(CellResult result) {
		if (result.isFailed()) {
			return "FAILED: " + result.failure();
		}
		if (result.metrics().containsKey("loadsPerRoundMean")) {
			return String.format(Locale.ROOT, "%.1f loads/round, slowest %.0f ms, %.0f commands/round",
					result.metrics().get("loadsPerRoundMean"), result.metrics().get("slowestCallerMedianMillis"),
					result.metrics().get("commandsPerRoundMean"));
		}
		return String.format(Locale.ROOT, "%,.0f ops/s, p99 %.2f ms, %d errors", result.operationsPerSecond(),
				result.histogram().getValueAtPercentile(99) / 1e6, result.errors());
	}

	private static void log(String format, Object... args) {
		System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
		System.out.flush();
	}

	record Cell(Workload workload, Implementation<?> implementation) {

		String id() {
			return this.workload.id() + "/" + this.implementation.id();
		}

	}

}
