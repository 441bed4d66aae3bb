package dev.redispatterns.benchmarks.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * The suite's settings, read from system properties ({@code -Dbench.*}, {@code -Dredis.url}). Maven passes
 * them on from its own command line (see the {@code benchmarks} profile of this module's pom).
 *
 * @param quick smoke mode: every cell for a second or two, numbers meaningless
 * @param include cell-id fragments to run (empty: everything); {@code ratelimit}, {@code redisson},
 *        {@code lock-handoff-4jvm/redisson}, {@code layers}
 * @param warmup warm-up per cell
 * @param measure measured time per cell
 * @param rounds measured stampede rounds per cell
 * @param passes times every selected cell runs, in turn; the report takes medians (see {@link Results})
 * @param redisUrl {@code redis://host:port} of an existing server, or {@code null} to start one
 * @param output directory of the markdown reports
 * @param logs directory of the per-cell JVM logs
 * @param childJvmArgs options of every cell JVM
 */
public record SuiteOptions(boolean quick, List<String> include, Duration warmup, Duration measure, int rounds,
		int passes, @Nullable String redisUrl, Path output, Path logs, List<String> childJvmArgs) {

	/** Settings that change what a run measures, named in the reproduced command when given. */
	private static final String[] PASSED_ON = { "bench.quick", "bench.include", "bench.warmup", "bench.measure",
			"bench.rounds", "bench.passes", "redis.url", "redis.server" };

	public static SuiteOptions fromSystemProperties() {
		boolean quick = Boolean.parseBoolean(property("bench.quick", "false"));
		List<String> include = new ArrayList<>();
		for (String part : property("bench.include", "").split(",")) {
			if (!part.isBlank()) {
				include.add(part.trim());
			}
		}
		Duration warmup = duration("bench.warmup", quick ? "500ms" : DEFAULT_WARMUP);
		Duration measure = duration("bench.measure", quick ? "1500ms" : DEFAULT_MEASURE);
		int rounds = Integer.parseInt(property("bench.rounds", quick ? "2" : "10"));
		int passes = Integer.parseInt(property("bench.passes", "1"));
		if (passes < 1) {
			throw new IllegalArgumentException("-Dbench.passes must be at least 1, was " + passes);
		}
		String redisUrl = property("redis.url", "");
		Path output = Path.of(property("bench.output", "benchmarks/results"));
		Path logs = Path.of(property("bench.logs", "benchmarks/target/bench-logs"));
		List<String> jvmArgs = Arrays.stream(property("bench.jvm-args", "-Xms1g -Xmx1g -XX:+UseG1GC").split("\\s+"))
			.filter((arg) -> !arg.isBlank())
			.toList();
		return new SuiteOptions(quick, List.copyOf(include), warmup, measure, rounds, passes,
				redisUrl.isBlank() ? null : redisUrl, output, logs, jvmArgs);
	}

	/**
	 * Default warm-up per cell. The suite has about 60 cells of one or more fresh JVMs each (every rate-limit
	 * algorithm with its own floor); 2 s warm-up and 4 s measured keep the whole run under 15 minutes on a
	 * two-core machine.
	 */
	static final String DEFAULT_WARMUP = "2s";

	/** Default measured window per cell (see {@link #DEFAULT_WARMUP}). */
	static final String DEFAULT_MEASURE = "4s";



	/** Whether a cell ({@code workload/implementation}) or a layer group id is selected. */
	public boolean includes(String cellId) {
		if (this.include.isEmpty()) {
			return true;
		}
		for (String fragment : this.include) {
			if (cellId.contains(fragment)) {
				return true;
			}
		}
		return false;
	}

	/** The command line that reproduces this run, for the report. */
	public String command() {
		StringBuilder command = new StringBuilder("./mvnw -pl benchmarks -am -Pbenchmarks verify");
		Map<String, String> given = new LinkedHashMap<>();
		for (String name : PASSED_ON) {
			String value = System.getProperty(name, "");
			if (!value.isBlank() && !(name.equals("bench.quick") && value.equals("false"))
					&& !(name.equals("bench.passes") && value.equals("1"))) {
				given.put(name, value);
			}
		}
		given.forEach((name, value) -> command.append(" -D").append(name).append('=').append(value));
		return command.toString();
	}

	private static String property(String name, String fallback) {
		String value = System.getProperty(name);
		return (value == null || value.isBlank()) ? fallback : value.trim();
	}

	private static Duration duration(String name, String fallback) {
		String value = property(name, fallback);
		if (value.chars().allMatch(Character::isDigit)) {
			return Duration.ofSeconds(Long.parseLong(value));
		}
		return DurationStyle.detectAndParse(value);
	}

}
