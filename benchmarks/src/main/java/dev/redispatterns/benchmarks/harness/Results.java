package dev.redispatterns.benchmarks.harness;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.benchmarks.layers.LayerSuite.Score;

/**
 * A run's results as the target checks read them: cells by {@code workload/implementation} and layer
 * scores by {@code Class.method}. Cells that were not run or failed read as absent ({@code NaN}).
 *
 * @param cells cell results of the run
 * @param layers layer-cost scores of the run
 */
public record Results(Map<String, CellResult> cells, Map<String, Score> layers) {

	/** A measured cell, or {@code null} when it was not run, failed or completed no operation. */
	public @Nullable CellResult cell(String workload, String implementation) {
		CellResult result = this.cells.get(workload + "/" + implementation);
		return (result == null || result.isFailed() || result.operations() == 0) ? null : result;
	}

	/** Operations per second of a cell, {@code NaN} when not measured. */
	public double throughput(String workload, String implementation) {
		CellResult result = cell(workload, implementation);
		return (result != null) ? result.operationsPerSecond() : Double.NaN;
	}

	/** Throughput of {@code implementation} divided by that of {@code baseline}, {@code NaN} when either is missing. */
	public double ratio(String workload, String implementation, String baseline) {
		return throughput(workload, implementation) / throughput(workload, baseline);
	}

	/** A latency percentile of a cell in nanoseconds, {@code NaN} when not measured. */
	public double percentile(String workload, String implementation, double percentile) {
		CellResult result = cell(workload, implementation);
		return (result != null) ? result.histogram().getValueAtPercentile(percentile) : Double.NaN;
	}

	/** A workload-specific figure of a cell, {@code NaN} when not measured. */
	public double metric(String workload, String implementation, String metric) {
		CellResult result = cell(workload, implementation);
		return (result != null) ? result.metrics().getOrDefault(metric, Double.NaN) : Double.NaN;
	}

	/** Errors of a cell, -1 when not measured. */
	public long errors(String workload, String implementation) {
		CellResult result = cell(workload, implementation);
		return (result != null) ? result.errors() : -1;
	}

	/** Average nanoseconds per call of a layer benchmark method, {@code NaN} when not measured. */
	public double layerNanos(Class<?> benchmark, String method) {
		Score score = this.layers.get(benchmark.getName() + "." + method);
		return (score != null) ? score.nanos() : Double.NaN;
	}

}
