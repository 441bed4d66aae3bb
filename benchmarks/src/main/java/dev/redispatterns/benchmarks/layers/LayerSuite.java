package dev.redispatterns.benchmarks.layers;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.redispatterns.benchmarks.harness.SuiteOptions;

/**
 * Runs the layer-cost benchmarks with JMH from the class path (one forked JVM per benchmark method, one
 * thread, average time per call) and returns their scores by method.
 */
public final class LayerSuite {

	private static final int MEASUREMENT_ITERATIONS = 2;

	/** Start-up and tear-down of a benchmark JVM on a quiet two-core machine. */
	private static final double FORK_SECONDS = 2.5;

	/** Starting the advice benchmark's application context. */
	private static final double CONTEXT_SECONDS = 2;

	private LayerSuite() {
	}

	/** Average nanoseconds per call and the 99.9% confidence half-width, by {@code Class.method}. */
	public record Score(double nanos, double error) {
	}

	/**
	 * What a layer run produced.
	 *
	 * @param scores scores by {@code Class.method}
	 * @param failures why a group produced no scores, by group id
	 */
	public record Outcome(Map<String, Score> scores, Map<String, String> failures) {
	}

	/** Runs each group in its own JMH run (its own warm-up and log); a failing group does not stop the others. */
	public static Outcome run(List<LayerGroup> groups, SuiteOptions options, String redisUrl) throws IOException {
		Map<String, Score> scores = new LinkedHashMap<>();
		Map<String, String> failures = new LinkedHashMap<>();
		List<String> jvmArgs = new ArrayList<>(options.childJvmArgs());
		jvmArgs.add("-D" + ScriptExecutorBenchmark.REDIS_URL + "=" + redisUrl);
		Files.createDirectories(options.logs());
		for (LayerGroup group : groups) {
			if (group.benchmark() == null) {
				continue;
			}
			Path log = options.logs().resolve("jmh-" + group.id() + ".log");
			ChainedOptionsBuilder builder = new OptionsBuilder()
				.include("^" + Pattern.quote(group.benchmark().getName()) + "\\.")
				.forks(1)
				.threads(1)
				.warmupIterations(1)
				.warmupTime(options.quick() ? TimeValue.milliseconds(200) : TimeValue.seconds(group.warmupSeconds()))
				.measurementIterations(options.quick() ? 1 : MEASUREMENT_ITERATIONS)
				.measurementTime(options.quick() ? TimeValue.milliseconds(300) : TimeValue.seconds(1))
				.jvmArgs(jvmArgs.toArray(String[]::new))
				.shouldFailOnError(true)
				.output(log.toString());
			try {
				Collection<RunResult> results = new Runner(builder.build()).run();
				for (RunResult result : results) {
					scores.put(result.getParams().getBenchmark(),
							new Score(result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError()));
				}
			}
			catch (RunnerException ex) {
				failures.put(group.id(), ex.getMessage() + " (see " + log + ")");
			}
		}
		return new Outcome(scores, failures);
	}

	/** Wall-clock estimate of a group's methods: fork start-up (and set-up), warm-up, measurement. */
	public static double expectedSeconds(LayerGroup group, SuiteOptions options) {
		long methods = group.rows().stream().filter(LayerGroup.Row::isMeasured).count();
		double perMethod = options.quick() ? 2.5
				: FORK_SECONDS + group.warmupSeconds() + MEASUREMENT_ITERATIONS
						+ ((group.benchmark() == AdviceBenchmark.class) ? CONTEXT_SECONDS : 0);
		return methods * perMethod;
	}

	/**
	 * The Redis server of the suite, as the suite passes it to the benchmark JVMs. Required: the benchmarks
	 * write keys, so they must never fall back to a server nobody named.
	 */
	public static URI redis() {
		String url = System.getProperty(ScriptExecutorBenchmark.REDIS_URL);
		if (url == null || url.isBlank()) {
			throw new IllegalStateException("-D" + ScriptExecutorBenchmark.REDIS_URL
					+ "=redis://host:port is required (the suite sets it for its benchmark JVMs)");
		}
		return URI.create(url);
	}

}
