package dev.redispatterns.benchmarks.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.CellResult;
import dev.redispatterns.benchmarks.harness.ClosedLoop;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.ReportStyle;
import dev.redispatterns.benchmarks.harness.SubjectWorkload;
import dev.redispatterns.benchmarks.harness.SuiteOptions;

/**
 * Contended hand-off: every client thread, in one or several JVMs, loops acquire + release on the same
 * lock name. Throughput is acquisitions per second (each one a hand-off from the previous holder, possibly
 * to itself); the latency is the time one caller waited to acquire.
 * <p>
 * Warm-up: at least {@value #MIN_WARMUP_SECONDS} s. In a cell of several JVMs each JVM first runs its
 * threads on a lock of its own for the warm-up time, before it says it is ready: early on, hand-offs
 * between fresh JVMs are so rare (each waits for another JVM still compiling the same code on the same
 * cores) that the code paths stay interpreted for many seconds; hand-offs inside one JVM warm them up
 * quickly. Then all JVMs warm up together on the shared lock and measure.
 */
public final class LockHandoffWorkload extends SubjectWorkload<LockSubject> {

	static final Duration MAX_WAIT = Duration.ofSeconds(30);

	static final int MIN_WARMUP_SECONDS = 3;

	public LockHandoffWorkload(String id, String title, int threads, int jvms,
			List<Implementation<LockSubject>> implementations) {
		super(id, title, "One operation = one acquisition of the single contended lock by one of " + threads
				+ " threads" + ((jvms > 1) ? " spread over " + jvms + " JVMs (" + threads / jvms + " each)" : "")
				+ ", released at once; the latency is the time to acquire.", threads, jvms, implementations);
	}

	@Override
	protected Duration minimumWarmup() {
		Duration minimum = super.minimumWarmup();
		return (minimum.getSeconds() < MIN_WARMUP_SECONDS) ? Duration.ofSeconds(MIN_WARMUP_SECONDS) : minimum;
	}

	@Override
	public Duration expectedDuration(SuiteOptions options) {
		// multi-JVM cells warm up on their own locks first
		return (jvms() > 1) ? super.expectedDuration(options).plus(warmup(options)) : super.expectedDuration(options);
	}

	@Override
	public ReportStyle reportStyle() {
		return ReportStyle.throughput("hand-offs/s", "time to acquire", "acquired");
	}

	@Override
	protected CellResult measure(LockSubject subject, CellContext context) throws Exception {
		if (context.jvmCount() > 1) {
			warmUpAlone(subject, context);
		}
		Object[] held = new Object[context.threads()];
		ClosedLoop.Operation handoff = new ClosedLoop.Operation() {

			@Override
			public boolean timed(int thread) throws Exception {
				Object handle = subject.acquire("bench:lock:hot", MAX_WAIT);
				if (handle == null) {
					throw new IllegalStateException("contended lock not acquired within " + MAX_WAIT);
				}
				held[thread] = handle;
				return true;
			}

			@Override
			public void untimed(int thread) throws Exception {
				Object handle = held[thread];
				held[thread] = null;
				subject.release(handle);
			}

		};
		return ClosedLoop.run(context, handoff, MAX_WAIT.toMillis() + 10_000, List.of());
	}

	/** This JVM's threads hand a lock of this JVM's own to each other for the warm-up time. */
	private static void warmUpAlone(LockSubject subject, CellContext context) throws Exception {
		String name = "bench:lock:warm:" + context.jvmIndex();
		long deadline = System.nanoTime() + context.warmupNanos();
		AtomicReference<Exception> failure = new AtomicReference<>();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < context.threads(); i++) {
			Thread thread = new Thread(() -> {
				try {
					while (System.nanoTime() - deadline < 0 && failure.get() == null) {
						Object handle = subject.acquire(name, MAX_WAIT);
						if (handle == null) {
							throw new IllegalStateException("warm-up lock not acquired within " + MAX_WAIT);
						}
						subject.release(handle);
					}
				}
				catch (Exception ex) {
					failure.compareAndSet(null, ex);
				}
			}, "bench-warm-up-" + i);
			thread.setDaemon(true);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join(MAX_WAIT.toMillis() + context.warmupNanos() / 1_000_000);
		}
		if (failure.get() != null) {
			throw failure.get();
		}
	}

}
