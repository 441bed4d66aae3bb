package dev.redispatterns.benchmarks.ratelimit;

import java.util.List;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.CellResult;
import dev.redispatterns.benchmarks.harness.ClosedLoop;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.ReportStyle;
import dev.redispatterns.benchmarks.harness.SubjectWorkload;

/**
 * One key hammered far above its limit ({@link RateLimitPolicies#abuse()}): nearly every call is refused,
 * so the cell measures what a refusal costs, the client that keeps calling after its 429.
 */
public final class RateLimitAbuseWorkload extends SubjectWorkload<RateLimiterSubject> {

	public RateLimitAbuseWorkload(String id, String title, int threads,
			List<Implementation<RateLimiterSubject>> implementations) {
		super(id, title, "One operation = one call for one permit on the same key under a fixed window of "
				+ String.format("%,d", RateLimitPolicies.ABUSE_LIMIT_PER_SECOND)
				+ " per second: all but that many calls a second are refused.", threads, 1, implementations);
	}

	@Override
	public ReportStyle reportStyle() {
		return ReportStyle.throughput("calls/s", "call latency", "allowed");
	}

	@Override
	protected CellResult measure(RateLimiterSubject subject, CellContext context) throws Exception {
		subject.prepare(List.of("bench:abuse"));
		return ClosedLoop.run(context, (thread) -> subject.tryAcquire("bench:abuse"), 30_000, List.of());
	}

}
