package dev.redispatterns.benchmarks.lock;

import java.time.Duration;
import java.util.List;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.CellResult;
import dev.redispatterns.benchmarks.harness.ClosedLoop;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.ReportStyle;
import dev.redispatterns.benchmarks.harness.SubjectWorkload;

/** Uncontended acquire + release: every client thread locks and unlocks a lock name of its own. */
public final class LockCycleWorkload extends SubjectWorkload<LockSubject> {

	public LockCycleWorkload(String id, String title, int threads, List<Implementation<LockSubject>> implementations) {
		super(id, title, "One operation = acquire + release of a lock no other thread uses (one name per thread); "
				+ "the latency is the whole cycle.", threads, 1, implementations);
	}

	@Override
	public ReportStyle reportStyle() {
		return ReportStyle.throughput("cycles/s", "acquire + release", "acquired");
	}

	@Override
	protected CellResult measure(LockSubject subject, CellContext context) throws Exception {
		String[] names = new String[context.threads()];
		for (int i = 0; i < names.length; i++) {
			names[i] = "bench:lock:own:" + context.jvmIndex() + ":" + i;
		}
		Duration maxWait = Duration.ofSeconds(10);
		ClosedLoop.Operation cycle = (thread) -> {
			Object handle = subject.acquire(names[thread], maxWait);
			if (handle == null) {
				throw new IllegalStateException("uncontended lock not acquired within " + maxWait);
			}
			subject.release(handle);
			return true;
		};
		return ClosedLoop.run(context, cycle, 30_000, List.of());
	}

}
