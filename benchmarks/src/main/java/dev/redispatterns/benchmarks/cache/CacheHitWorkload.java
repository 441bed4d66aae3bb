package dev.redispatterns.benchmarks.cache;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.json.JsonMapper;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.CellResult;
import dev.redispatterns.benchmarks.harness.ClosedLoop;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.ReportStyle;
import dev.redispatterns.benchmarks.harness.SubjectWorkload;

/** Cache hits: every key is written through the implementation first, then read at random. */
public final class CacheHitWorkload extends SubjectWorkload<CacheSubject> {

	private final int keys;

	public CacheHitWorkload(String id, String title, int keys, int threads,
			List<Implementation<CacheSubject>> implementations) {
		super(id, title, "One operation = one read of a key drawn at random from " + String.format("%,d", keys)
				+ " keys written beforehand (about " + valueSize() + " bytes of JSON each), decoded to the value type.",
				threads, 1, implementations);
		this.keys = keys;
	}

	static int valueSize() {
		return JsonMapper.builder().build().writeValueAsBytes(Product.sample(1)).length;
	}

	@Override
	public ReportStyle reportStyle() {
		return ReportStyle.throughput("hits/s", "read latency", "hit");
	}

	@Override
	protected CellResult measure(CacheSubject subject, CellContext context) throws Exception {
		String[] names = new String[this.keys];
		for (int i = 0; i < this.keys; i++) {
			names[i] = "product:" + i;
			subject.put(names[i], Product.sample(i));
		}
		int count = this.keys;
		ClosedLoop.Operation read = (thread) -> subject
			.get(names[ThreadLocalRandom.current().nextInt(count)]) != null;
		return ClosedLoop.run(context, read, 30_000, List.of());
	}

}
