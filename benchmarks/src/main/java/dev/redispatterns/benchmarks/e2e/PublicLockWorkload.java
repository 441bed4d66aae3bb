package dev.redispatterns.benchmarks.e2e;

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
 * Guarded calls through the public path: each client thread calls a method guarded by a lock, either a
 * name of its own (an uncontended acquire + release; the latency is the whole call) or one name shared by
 * every thread of every JVM (hand-offs; the latency is the time until the body ran). Multi-JVM cells warm
 * each JVM up on a lock of its own first, like {@code lock.LockHandoffWorkload}.
 */
public final class PublicLockWorkload extends SubjectWorkload<LockedCall> {

	static final Duration MAX_WAIT = Duration.ofSeconds(30);

	private final boolean contended;

	public PublicLockWorkload(String id, String title, int threads, int jvms, boolean contended,
			List<Implementation<LockedCall>> implementations) {
		super(id, title, contended
				? "One operation = one call of a method guarded by the single contended lock, by one of " + threads
						+ " threads" + ((jvms > 1) ? " spread over " + jvms + " JVMs (" + threads / jvms + " each)" : "")
						+ "; the latency is the time until the body ran (time to acquire)."
				: "One operation = one call of a method guarded by a lock no other thread uses (one name per "
						+ "thread): acquire, empty body, release; the latency is the whole call.",
				threads, jvms, implementations);
		this.contended = contended;
	}

	@Override
	protected Duration minimumWarmup() {
		Duration minimum = super.minimumWarmup();
		return (this.contended && minimum.getSeconds() < 3) ? Duration.ofSeconds(3) : minimum;
	}

	@Override
	public Duration expectedDuration(SuiteOptions options) {
		return (jvms() > 1) ? super.expectedDuration(options).plus(warmup(options)) : super.expectedDuration(options);
	}

	@Override
	public ReportStyle reportStyle() {
		return this.contended ? ReportStyle.throughput("hand-offs/s", "time to acquire", "acquired")
				: ReportStyle.throughput("calls/s", "guarded call", "acquired");
	}

	@Override
	protected CellResult measure(LockedCall subject, CellContext context) throws Exception {
		if (context.jvmCount() > 1) {
			warmUpAlone(subject, context);
		}
		String[] names = new String[context.threads()];
		for (int i = 0; i < names.length; i++) {
			names[i] = this.contended ? "bench:lock:hot" : "bench:lock:own:" + context.jvmIndex() + ":" + i;
		}
		long[] waited = new long[context.threads()];
		boolean contended = this.contended;
		ClosedLoop.Operation call = new ClosedLoop.Operation() {

			@Override
			public boolean timed(int thread) throws Exception {
				long started = System.nanoTime();
				waited[thread] = subject.call(names[thread], MAX_WAIT) - started;
				return true;
			}

			@Override
			public long latency(int thread, long elapsedNanos) {
				return contended ? waited[thread] : elapsedNanos;
			}

		};
		return ClosedLoop.run(context, call, MAX_WAIT.toMillis() + 10_000, List.of());
	}

	private static void warmUpAlone(LockedCall subject, CellContext context) throws Exception {
		String name = "bench:lock:warm:" + context.jvmIndex();
		long deadline = System.nanoTime() + context.warmupNanos();
		AtomicReference<Exception> failure = new AtomicReference<>();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < context.threads(); i++) {
			Thread thread = new Thread(() -> {
				try {
					while (System.nanoTime() - deadline < 0 && failure.get() == null) {
						subject.call(name, MAX_WAIT);
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
