package dev.redispatterns.benchmarks.ratelimit;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.CellResult;
import dev.redispatterns.benchmarks.harness.ClosedLoop;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.ReportStyle;
import dev.redispatterns.benchmarks.harness.SubjectWorkload;

/**
 * Rate-limit decisions from many threads on one hot key or spread over many keys. The policy allows far
 * more than the harness can ask for, so every decision is allowed and writes its state: the most
 * expensive path of each implementation, and the one where compare-and-swap designs collide.
 */
public final class RateLimitWorkload extends SubjectWorkload<RateLimiterSubject> {

	/** Permits per second of every key (never reached here). */
	public static final long LIMIT_PER_SECOND = 1_000_000;

	private final int keys;

	public RateLimitWorkload(String id, String title, int keys, int threads,
			List<Implementation<RateLimiterSubject>> implementations) {
		super(id, title, "One operation = one decision for one permit on " + ((keys == 1) ? "the same key"
				: "a key drawn at random from " + String.format("%,d", keys)) + "; policy " + String.format("%,d", LIMIT_PER_SECOND)
				+ " per second, so every decision is allowed and written.", threads, 1, implementations);
		this.keys = keys;
	}

	@Override
	public ReportStyle reportStyle() {
		return ReportStyle.throughput("decisions/s", "decision latency", "allowed");
	}

	@Override
	protected CellResult measure(RateLimiterSubject subject, CellContext context) throws Exception {
		String[] names = IntStream.range(0, this.keys).mapToObj((i) -> "bench:rl:" + i).toArray(String[]::new);
		subject.prepare(List.of(names));
		int count = this.keys;
		ClosedLoop.Operation decision = (count == 1) ? (thread) -> subject.tryAcquire(names[0])
				: (thread) -> subject.tryAcquire(names[ThreadLocalRandom.current().nextInt(count)]);
		return ClosedLoop.run(context, decision, 30_000, List.of());
	}

}
