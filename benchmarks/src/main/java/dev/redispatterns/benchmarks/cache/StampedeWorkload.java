package dev.redispatterns.benchmarks.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.CellResult;
import dev.redispatterns.benchmarks.harness.CommandMonitor;
import dev.redispatterns.benchmarks.harness.ErrorLog;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.ReportStyle;
import dev.redispatterns.benchmarks.harness.SubjectWorkload;
import dev.redispatterns.benchmarks.harness.SuiteOptions;
import dev.redispatterns.benchmarks.harness.Workload;

/**
 * Cache stampede: in each round {@value #CALLERS} callers ask for the same cold key at once through
 * get-or-load, whose loader takes {@value #LOADER_MILLIS} ms. With two instances the callers are split
 * over two independent cache managers (two "application instances") on the same Redis. Measured per
 * round: how often the loader ran, the slowest caller, and how many commands Redis processed.
 */
public final class StampedeWorkload extends Workload {

	static final int CALLERS = 64;

	static final int LOADER_MILLIS = 50;

	private static final int WARMUP_ROUNDS = 1;

	private final int instances;

	private final List<Implementation<CacheSubject>> implementations;

	public StampedeWorkload(String id, String title, int instances, List<Implementation<CacheSubject>> implementations) {
		super(id, title, "Each round: " + CALLERS + " callers" + ((instances > 1) ? " (" + CALLERS / instances
				+ " on each of " + instances + " cache managers with their own connections)" : "")
				+ " released together on a key nobody has read, loader " + LOADER_MILLIS
				+ " ms; a fresh key per round stands for a key that just expired. Redis commands per round are the "
				+ "server's own count (INFO stats, which includes the commands scripts run); round trips per caller "
				+ "are counted with MONITOR in one extra, untimed round.", CALLERS, 1);
		this.instances = instances;
		this.implementations = List.copyOf(implementations);
	}

	@Override
	public List<Implementation<CacheSubject>> implementations() {
		return this.implementations;
	}

	@Override
	public ReportStyle reportStyle() {
		return ReportStyle.stampede();
	}

	@Override
	public Duration expectedDuration(SuiteOptions options) {
		// most rounds take 0.2 to 0.4 s with the pauses between them; a cache whose waiters poll takes one to
		// two seconds: about 0.6 s on average over the implementations
		return Duration.ofMillis(2_000 + 600L * (options.rounds() + WARMUP_ROUNDS + 1));
	}

	@Override
	public Duration timeLimit(SuiteOptions options) {
		return Duration.ofSeconds(60 + 10L * (options.rounds() + WARMUP_ROUNDS));
	}

	@Override
	public CellResult run(String implementationId, CellContext context) throws Exception {
		Implementation<CacheSubject> implementation = this.implementations.stream()
			.filter((candidate) -> candidate.id().equals(implementationId) && candidate.measurable())
			.findFirst()
			.orElseThrow();
		List<CacheSubject> subjects = new ArrayList<>();
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
		try {
			for (int i = 0; i < this.instances; i++) {
				subjects.add(implementation.factory().create(context));
			}
			context.ready();
			return rounds(subjects, callers, context).withCell(id(), implementationId);
		}
		finally {
			callers.shutdownNow();
			for (CacheSubject subject : subjects) {
				subject.close();
			}
		}
	}

	private CellResult rounds(List<CacheSubject> subjects, ExecutorService callers, CellContext context)
			throws Exception {
		ErrorLog errors = new ErrorLog();
		Histogram callerLatency = CellResult.newHistogram();
		List<Integer> loads = new ArrayList<>();
		List<Long> slowest = new ArrayList<>();
		List<Long> commands = new ArrayList<>();
		long errorCount = 0;
		long measuredNanos = 0;
		for (int round = -WARMUP_ROUNDS; round < context.rounds(); round++) {
			long commandsBefore = context.commandsProcessed();
			Round result = round(subjects, callers, "stampede:" + round, errors);
			long roundCommands = context.commandsProcessed() - commandsBefore - 1;
			if (round >= 0) {
				measuredNanos += result.nanos;
				loads.add(result.loads);
				slowest.add(Arrays.stream(result.latencies).max().orElse(0));
				commands.add(roundCommands);
				errorCount += result.failed;
				for (long latency : result.latencies) {
					if (latency > 0) {
						callerLatency.recordValue(Math.min(latency, CellResult.MAX_TRACKED_NANOS));
					}
				}
			}
			Thread.sleep(50);
		}
		// one more, untimed round under MONITOR: round trips apart from commands run inside scripts
		long clientCommands;
		long scriptCommands;
		try (CommandMonitor monitor = new CommandMonitor(context.host(), context.port())) {
			Round counted = round(subjects, callers, "stampede:monitored", errors);
			monitor.finish();
			clientCommands = monitor.clientCommands() - 1;
			scriptCommands = monitor.scriptCommands();
			errorCount += counted.failed;
		}
		Map<String, Double> metrics = new LinkedHashMap<>();
		metrics.put("loadsPerRoundMean", loads.stream().mapToInt(Integer::intValue).average().orElse(0));
		metrics.put("loadsPerRoundMax", (double) loads.stream().mapToInt(Integer::intValue).max().orElse(0));
		metrics.put("slowestCallerMedianMillis", median(slowest) / 1e6);
		metrics.put("slowestCallerMaxMillis", slowest.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6);
		metrics.put("commandsPerRoundMean", commands.stream().mapToLong(Long::longValue).average().orElse(0));
		metrics.put("clientCommandsMonitoredRound", (double) clientCommands);
		metrics.put("scriptCommandsMonitoredRound", (double) scriptCommands);
		metrics.put("callers", (double) CALLERS);
		metrics.put("instances", (double) this.instances);
		long operations = (long) loads.size() * CALLERS;
		return new CellResult("", "", 1, measuredNanos, operations, operations - errorCount, errorCount,
				errors.samples(), CellResult.encode(callerLatency), commands.stream().mapToLong(Long::longValue).sum(),
				metrics, List.of(), null);
	}

	/** One round: every caller asks for a fresh key at once. */
	private Round round(List<CacheSubject> subjects, ExecutorService callers, String name, ErrorLog errors)
			throws Exception {
		String key = name + ":" + System.nanoTime();
		AtomicInteger loaderRuns = new AtomicInteger();
		CountDownLatch go = new CountDownLatch(1);
		long[] latencies = new long[CALLERS];
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < CALLERS; i++) {
			int caller = i;
			CacheSubject subject = subjects.get(caller % subjects.size());
			futures.add(callers.submit(() -> {
				go.await();
				long started = System.nanoTime();
				subject.get(key, () -> {
					loaderRuns.incrementAndGet();
					Thread.sleep(LOADER_MILLIS);
					return Product.sample(caller);
				});
				latencies[caller] = System.nanoTime() - started;
				return null;
			}));
		}
		// let every caller reach the latch before the round starts
		Thread.sleep(20);
		long begin = System.nanoTime();
		go.countDown();
		int failed = 0;
		for (Future<?> future : futures) {
			try {
				future.get(60, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.ExecutionException ex) {
				failed++;
				errors.record(ex.getCause());
			}
		}
		return new Round(System.nanoTime() - begin, loaderRuns.get(), latencies, failed);
	}

	private record Round(long nanos, int loads, long[] latencies, int failed) {
	}

	private static double median(List<Long> values) {
		if (values.isEmpty()) {
			return 0;
		}
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
	}

}
