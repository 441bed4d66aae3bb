package dev.redispatterns.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * The closed-loop driver: each client thread calls the operation back to back; after the warm-up,
 * operations that start and finish inside the measured window are counted and their latencies recorded
 * (one HdrHistogram per thread, merged at the end). Closed loop means a slow implementation is offered
 * less load: throughput and latency are read together.
 */
public final class ClosedLoop {

	private static final int WARMUP = 0;

	private static final int MEASURE = 1;

	private static final int STOP = 2;

	/** One operation of a client thread. */
	public interface Operation {

		/**
		 * The timed part.
		 * @param thread index of the client thread in this JVM
		 * @return whether it succeeded in the workload's sense (allowed, hit, acquired)
		 */
		boolean timed(int thread) throws Exception;

		/** An untimed follow-up, for example the release after a timed acquire. */
		default void untimed(int thread) throws Exception {
		}

		/**
		 * The latency to record for the timed part that just ran on {@code thread}: by default all of it; a
		 * workload whose operation contains what it means to time (the wait for a lock inside a guarded
		 * call) returns that part.
		 */
		default long latency(int thread, long elapsedNanos) {
			return elapsedNanos;
		}

	}

	private ClosedLoop() {
	}

	/**
	 * Runs the loop: starts the threads, says {@link CellContext#ready() ready}, warms up, measures, stops.
	 * @param maxStopWaitMillis how long a thread may still be inside an operation after the window closed
	 * @param notes facts to print under the workload's table
	 */
	public static CellResult run(CellContext context, Operation operation, long maxStopWaitMillis, List<String> notes)
			throws InterruptedException {
		int threads = context.threads();
		Worker[] workers = new Worker[threads];
		ErrorLog errors = new ErrorLog();
		CountDownLatch start = new CountDownLatch(1);
		Phase phase = new Phase();
		List<Thread> running = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Worker worker = new Worker(i, operation, phase, start, errors);
			workers[i] = worker;
			Thread thread = new Thread(worker, "bench-client-" + i);
			thread.setDaemon(true);
			thread.start();
			running.add(thread);
		}
		context.ready();
		start.countDown();
		sleepNanos(context.warmupNanos());
		long commandsBefore = context.countsCommands() ? context.commandsProcessed() : -1;
		long redisCpuBefore = context.countsCommands() ? context.redisCpuNanos() : -1;
		long cpuBefore = CellContext.processCpuNanos();
		long jitBefore = CellContext.jitNanos();
		long gcBefore = CellContext.gcNanos();
		long begin = System.nanoTime();
		phase.value = MEASURE;
		sleepNanos(context.measureNanos());
		phase.value = STOP;
		long end = System.nanoTime();
		long cpu = CellContext.processCpuNanos() - cpuBefore;
		long jit = CellContext.jitNanos() - jitBefore;
		long gc = CellContext.gcNanos() - gcBefore;
		long redisCpu = context.countsCommands() ? context.redisCpuNanos() - redisCpuBefore : -1;
		long commands = context.countsCommands() ? context.commandsProcessed() - commandsBefore - 3 : -1; // the INFO calls in between
		long deadline = System.currentTimeMillis() + maxStopWaitMillis;
		List<String> allNotes = new ArrayList<>(notes);
		for (Thread thread : running) {
			thread.join(Math.max(1, deadline - System.currentTimeMillis()));
			if (thread.isAlive()) {
				allNotes.add("a client thread was still inside an operation " + maxStopWaitMillis
						+ " ms after the window closed");
				break;
			}
		}
		Histogram histogram = CellResult.newHistogram();
		long operations = 0;
		long successes = 0;
		long failed = 0;
		for (Worker worker : workers) {
			histogram.add(worker.histogram);
			operations += worker.operations;
			successes += worker.successes;
			failed += worker.errors;
		}
		Map<String, Double> metrics = new java.util.LinkedHashMap<>();
		metrics.put(CellResult.CLIENT_CPU_TOTAL, (double) cpu);
		if (jitBefore >= 0) {
			metrics.put(CellResult.JIT_TOTAL, (double) jit);
		}
		metrics.put(CellResult.GC_TOTAL, (double) gc);
		if (redisCpu >= 0) {
			metrics.put(CellResult.REDIS_CPU, (double) redisCpu);
		}
		return new CellResult("", "", 1, end - begin, operations, successes, failed,
				errors.samples(), CellResult.encode(histogram), commands, metrics, allNotes, null);
	}

	static void sleepNanos(long nanos) throws InterruptedException {
		long deadline = System.nanoTime() + nanos;
		long left;
		while ((left = deadline - System.nanoTime()) > 0) {
			TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
		}
	}

	private static final class Phase {

		volatile int value = WARMUP;

	}

	private static final class Worker implements Runnable {

		private final int index;

		private final Operation operation;

		private final Phase phase;

		private final CountDownLatch start;

		private final ErrorLog errorLog;

		final Histogram histogram = CellResult.newHistogram();

		long operations;

		long successes;

		long errors;

		Worker(int index, Operation operation, Phase phase, CountDownLatch start, ErrorLog errorLog) {
			this.index = index;
			this.operation = operation;
			this.phase = phase;
			this.start = start;
			this.errorLog = errorLog;
		}

		@Override
		public void run() {
			try {
				this.start.await();
			}
			catch (InterruptedException ex) {
				return;
			}
			while (true) {
				int before = this.phase.value;
				if (before == STOP) {
					return;
				}
				long started = System.nanoTime();
				boolean success;
				try {
					success = this.operation.timed(this.index);
				}
				catch (Throwable ex) {
					failed(ex);
					continue;
				}
				long latency = this.operation.latency(this.index, System.nanoTime() - started);
				if (before == MEASURE && this.phase.value == MEASURE) {
					this.histogram.recordValue(Math.max(0, Math.min(latency, CellResult.MAX_TRACKED_NANOS)));
					this.operations++;
					if (success) {
						this.successes++;
					}
				}
				try {
					this.operation.untimed(this.index);
				}
				catch (Throwable ex) {
					failed(ex);
				}
			}
		}

		private void failed(Throwable ex) {
			if (this.phase.value == MEASURE) {
				this.errors++;
			}
			this.errorLog.record(ex);
			// an error loop must not starve the other threads of the two cores
			LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
		}

	}

}
