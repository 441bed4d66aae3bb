package dev.redispatterns.benchmarks.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.benchmarks.layers.LayerSuite.Score;

/**
 * A run's results as the report and the target checks read them: cells by {@code workload/implementation}
 * in one or more passes ({@code -Dbench.passes}), and layer scores by {@code Class.method}. Cells that were
 * not run or failed read as absent ({@code NaN}).
 * <p>
 * With several passes every figure is the median of the passes, and a ratio is the median of the ratios
 * measured within each pass (a cell against its floor run minutes apart in the same pass), so a slow spell
 * of the machine moves one pass's ratio, not the reported one. Metrics named {@code ...Max} are the
 * largest of the passes and errors are added up: a bad pass is never hidden by the median.
 */
public final class Results {

	private final List<Map<String, CellResult>> passes;

	private final Map<String, Score> layers;

	private final Map<String, CellResult> representative = new LinkedHashMap<>();

	/**
	 * @param passes cell results of each pass, in the order they ran
	 * @param layers layer-cost scores of the run
	 */
	public Results(List<Map<String, CellResult>> passes, Map<String, Score> layers) {
		this.passes = List.copyOf(passes);
		this.layers = layers;
		Set<String> ids = new LinkedHashSet<>();
		passes.forEach((pass) -> ids.addAll(pass.keySet()));
		for (String id : ids) {
			List<CellResult> measured = new ArrayList<>();
			CellResult any = null;
			for (Map<String, CellResult> pass : passes) {
				CellResult result = pass.get(id);
				if (result != null) {
					any = (any != null) ? any : result;
					if (measured(result)) {
						measured.add(result);
					}
				}
			}
			measured.sort(Comparator.comparingDouble(CellResult::operationsPerSecond));
			this.representative.put(id, measured.isEmpty() ? any : measured.get((measured.size() - 1) / 2));
		}
	}

	/** Number of passes over the selected cells. */
	public int passes() {
		return this.passes.size();
	}

	/**
	 * Per cell id, the pass with the cell's median throughput (or its failure when no pass measured it):
	 * the figures the report's tables show next to the median ratios.
	 */
	public Map<String, CellResult> representative() {
		return this.representative;
	}

	/** The representative of a measured cell, or {@code null} when no pass measured it. */
	public @Nullable CellResult cell(String workload, String implementation) {
		CellResult result = this.representative.get(workload + "/" + implementation);
		return (result != null && measured(result)) ? result : null;
	}

	/** Operations per second of a cell (median of the passes), {@code NaN} when not measured. */
	public double throughput(String workload, String implementation) {
		return median(workload, implementation, CellResult::operationsPerSecond);
	}

	/**
	 * Throughput of {@code implementation} divided by that of {@code baseline}, the median of the passes
	 * that measured both; {@code NaN} when none did.
	 */
	public double ratio(String workload, String implementation, String baseline) {
		return median(ratios(workload, implementation, baseline));
	}

	/** The ratio of each pass, in the order they ran ({@code NaN} where a pass lacks either cell). */
	public List<Double> ratios(String workload, String implementation, String baseline) {
		List<Double> ratios = new ArrayList<>();
		for (Map<String, CellResult> pass : this.passes) {
			CellResult result = pass.get(workload + "/" + implementation);
			CellResult base = pass.get(workload + "/" + baseline);
			boolean both = result != null && base != null && measured(result) && measured(base)
					&& base.operationsPerSecond() > 0;
			ratios.add(both ? result.operationsPerSecond() / base.operationsPerSecond() : Double.NaN);
		}
		return ratios;
	}

	/** A latency percentile of a cell in nanoseconds (median of the passes), {@code NaN} when not measured. */
	public double percentile(String workload, String implementation, double percentile) {
		return median(workload, implementation, (result) -> result.histogram().getValueAtPercentile(percentile));
	}

	/**
	 * A workload-specific figure of a cell, {@code NaN} when not measured: the largest of the passes for a
	 * metric named {@code ...Max}, the median otherwise.
	 */
	public double metric(String workload, String implementation, String metric) {
		ToDoubleFunction<CellResult> value = (result) -> result.metrics().getOrDefault(metric, Double.NaN);
		if (!metric.endsWith("Max")) {
			return median(workload, implementation, value);
		}
		return values(workload, implementation, value).stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
	}

	/** Errors of a cell over all passes, -1 when not measured. */
	public long errors(String workload, String implementation) {
		long errors = -1;
		for (Map<String, CellResult> pass : this.passes) {
			CellResult result = pass.get(workload + "/" + implementation);
			if (result != null && measured(result)) {
				errors = Math.max(errors, 0) + result.errors();
			}
		}
		return errors;
	}

	/** Average nanoseconds per call of a layer benchmark method, {@code NaN} when not measured. */
	public double layerNanos(Class<?> benchmark, String method) {
		Score score = this.layers.get(benchmark.getName() + "." + method);
		return (score != null) ? score.nanos() : Double.NaN;
	}

	private double median(String workload, String implementation, ToDoubleFunction<CellResult> value) {
		return median(values(workload, implementation, value));
	}

	private List<Double> values(String workload, String implementation, ToDoubleFunction<CellResult> value) {
		List<Double> values = new ArrayList<>();
		for (Map<String, CellResult> pass : this.passes) {
			CellResult result = pass.get(workload + "/" + implementation);
			if (result != null && measured(result)) {
				values.add(value.applyAsDouble(result));
			}
		}
		return values;
	}

	/** Median of the numbers that are not {@code NaN} (the mean of the middle two for an even count). */
	static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter((v) -> !Double.isNaN(v)).sorted().toArray();
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static boolean measured(CellResult result) {
		return !result.isFailed() && result.operations() > 0;
	}

}
