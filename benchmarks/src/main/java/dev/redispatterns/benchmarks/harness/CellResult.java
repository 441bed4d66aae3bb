package dev.redispatterns.benchmarks.harness;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one JVM of a cell measured, sent to the suite as one JSON line; the suite merges the JVMs of a
 * multi-JVM cell with {@link #merge}.
 *
 * @param workload workload id
 * @param implementation implementation id
 * @param jvms JVMs merged into this result
 * @param measuredNanos length of the measured window (the longest of the merged JVMs)
 * @param operations operations completed in the window
 * @param successes operations that succeeded in the workload's sense (allowed, hit, acquired)
 * @param errors operations that threw
 * @param errorSamples distinct error messages with their counts, a few at most
 * @param latency compressed HdrHistogram of latencies in nanoseconds, base64
 * @param redisCommands commands Redis processed in the window, or -1 when not counted
 * @param metrics workload-specific figures (stampede loads, value size, ...)
 * @param notes facts worth printing under the table
 * @param failure why the cell produced no numbers, or {@code null}
 */
public record CellResult(String workload, String implementation, int jvms, long measuredNanos, long operations,
		long successes, long errors, List<String> errorSamples, String latency, long redisCommands,
		Map<String, Double> metrics, List<String> notes, @Nullable String failure) {

	/**
	 * Metric: CPU time of the client JVM(s) in the measured window, in nanoseconds; summed over the JVMs
	 * of a cell (metrics whose key ends in {@code Total} are added up when merging).
	 */
	public static final String CLIENT_CPU_TOTAL = "clientCpuNanosTotal";

	/**
	 * Metric: time the JVM(s) spent compiling in the measured window, in nanoseconds (summed over compiler
	 * threads): well above a few percent of the client CPU means the cell was still warming up.
	 */
	public static final String JIT_TOTAL = "jitNanosTotal";

	/** Metric: time the JVM(s) spent in garbage collections in the measured window, in nanoseconds. */
	public static final String GC_TOTAL = "gcNanosTotal";

	/** Metric: CPU time of the Redis server in the measured window, in nanoseconds. */
	public static final String REDIS_CPU = "redisCpuNanos";

	/** Longest latency a histogram tracks; slower operations are recorded at this value. */
	public static final long MAX_TRACKED_NANOS = TimeUnit.MINUTES.toNanos(2);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public static Histogram newHistogram() {
		return new Histogram(MAX_TRACKED_NANOS, 3);
	}

	public static CellResult failed(String workload, String implementation, String failure) {
		return new CellResult(workload, implementation, 0, 0, 0, 0, 0, List.of(), "", -1, Map.of(), List.of(),
				failure);
	}

	/** The same result, labelled with its cell. */
	public CellResult withCell(String workloadId, String implementationId) {
		return new CellResult(workloadId, implementationId, this.jvms, this.measuredNanos, this.operations,
				this.successes, this.errors, this.errorSamples, this.latency, this.redisCommands, this.metrics,
				this.notes, this.failure);
	}

	public boolean isFailed() {
		return this.failure != null;
	}

	public double operationsPerSecond() {
		return (this.measuredNanos > 0) ? this.operations * 1e9 / this.measuredNanos : 0;
	}

	/** Client CPU time per operation in nanoseconds (all threads of the cell's JVMs), or NaN. */
	public double clientCpuPerOperation() {
		Double cpu = this.metrics.get(CLIENT_CPU_TOTAL);
		return (cpu != null && cpu >= 0 && this.operations > 0) ? cpu / this.operations : Double.NaN;
	}

	/** Redis server CPU time per operation in nanoseconds, or NaN. */
	public double redisCpuPerOperation() {
		Double cpu = this.metrics.get(REDIS_CPU);
		return (cpu != null && cpu >= 0 && this.operations > 0) ? cpu / this.operations : Double.NaN;
	}

	/** Redis commands per operation, or NaN when not counted. */
	public double commandsPerOperation() {
		return (this.redisCommands >= 0 && this.operations > 0) ? (double) this.redisCommands / this.operations
				: Double.NaN;
	}

	public Histogram histogram() {
		if (this.latency.isEmpty()) {
			return newHistogram();
		}
		try {
			return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(this.latency)),
					MAX_TRACKED_NANOS);
		}
		catch (java.util.zip.DataFormatException ex) {
			throw new IllegalStateException("Corrupt latency histogram in result of " + this.workload, ex);
		}
	}

	public static String encode(Histogram histogram) {
		ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
		int length = histogram.encodeIntoCompressedByteBuffer(buffer);
		byte[] bytes = new byte[length];
		buffer.flip();
		buffer.get(bytes);
		return Base64.getEncoder().encodeToString(bytes);
	}

	public String toJson() {
		return JSON.writeValueAsString(this);
	}

	public static CellResult fromJson(String json) {
		return JSON.readValue(json, CellResult.class);
	}

	/** Merges the results of a cell's JVMs, which measured the same window. */
	public static CellResult merge(List<CellResult> parts) {
		if (parts.size() == 1) {
			return parts.get(0);
		}
		CellResult first = parts.get(0);
		Histogram histogram = newHistogram();
		long measured = 0;
		long operations = 0;
		long successes = 0;
		long errors = 0;
		long commands = -1;
		List<String> samples = new ArrayList<>();
		List<String> notes = new ArrayList<>();
		Map<String, Double> metrics = new LinkedHashMap<>();
		for (CellResult part : parts) {
			if (part.isFailed()) {
				return part;
			}
			histogram.add(part.histogram());
			measured = Math.max(measured, part.measuredNanos);
			operations += part.operations;
			successes += part.successes;
			errors += part.errors;
			if (part.redisCommands >= 0) {
				commands = part.redisCommands;
			}
			part.errorSamples.stream().filter((sample) -> !samples.contains(sample) && samples.size() < 5)
				.forEach(samples::add);
			part.notes.stream().filter((note) -> !notes.contains(note)).forEach(notes::add);
			part.metrics.forEach((key, value) -> {
				if (key.endsWith("Total")) {
					metrics.merge(key, value, Double::sum);
				}
				else {
					metrics.putIfAbsent(key, value);
				}
			});
		}
		return new CellResult(first.workload, first.implementation, parts.size(), measured, operations, successes,
				errors, samples, encode(histogram), commands, metrics, notes, null);
	}

}
