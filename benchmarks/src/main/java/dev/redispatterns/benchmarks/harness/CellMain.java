package dev.redispatterns.benchmarks.harness;

import java.util.List;

import dev.redispatterns.benchmarks.Catalog;

/**
 * Entry point of a cell's JVM: runs one implementation of one workload and prints {@code RESULT <json>}
 * on standard output (libraries log to standard error). The suite starts one of these per cell and
 * JVM; nothing else runs in it, so one library's threads, caches and JIT state never colour another's.
 */
public final class CellMain {

	/** Prefix of the result line on standard output. */
	public static final String RESULT = "RESULT ";

	private CellMain() {
	}

	/** Arguments in the order {@link #arguments} writes them. */
	public static void main(String[] args) {
		String workloadId = args[0];
		String implementationId = args[1];
		CellContext context = new CellContext(args[5], Integer.parseInt(args[6]), Integer.parseInt(args[4]),
				Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[7]), Long.parseLong(args[8]),
				Integer.parseInt(args[9]), Boolean.parseBoolean(args[10]));
		CellResult result;
		try {
			Workload workload = Catalog.workload(workloadId);
			result = workload.run(implementationId, context);
		}
		catch (Throwable ex) {
			ex.printStackTrace();
			result = CellResult.failed(workloadId, implementationId, ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
		System.out.println(RESULT + result.toJson());
		System.out.flush();
		// library threads (schedulers, event loops) must not keep a finished cell alive
		System.exit(result.isFailed() ? 1 : 0);
	}

	public static List<String> arguments(Workload workload, String implementationId, int jvmIndex, int jvmCount,
			int threads, String host, int port, SuiteOptions options) {
		return List.of(workload.id(), implementationId, Integer.toString(jvmIndex), Integer.toString(jvmCount),
				Integer.toString(threads), host, Integer.toString(port), Long.toString(workload.warmup(options).toNanos()),
				Long.toString(options.measure().toNanos()), Integer.toString(options.rounds()),
				Boolean.toString(options.quick()));
	}

}
