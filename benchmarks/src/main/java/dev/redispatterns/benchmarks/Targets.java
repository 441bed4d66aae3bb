package dev.redispatterns.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.redispatterns.benchmarks.harness.ReportWriter;
import dev.redispatterns.benchmarks.harness.Results;
import dev.redispatterns.benchmarks.harness.Target;
import dev.redispatterns.benchmarks.harness.Target.Verdict;
import dev.redispatterns.benchmarks.layers.AdviceBenchmark;
import dev.redispatterns.benchmarks.layers.NearCacheBenchmark;
import dev.redispatterns.benchmarks.ratelimit.RateLimitPolicies;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;

/**
 * The starter's performance targets (PERFORMANCE.md and the caching, rate-limit and lock issues), each
 * checked against the run in the report: met, missed, or not measured. All ratios come from the same run.
 */
final class Targets {

	/** Loader time of the stampede workload plus the 10 ms the target allows. */
	private static final double STAMPEDE_SLOWEST_MILLIS = 50 + 10;

	private Targets() {
	}

	static List<Target> all() {
		List<Target> targets = new ArrayList<>();
		for (String workload : List.of("ratelimit-hot-16", "ratelimit-spread-16")) {
			targets.add(new Target(workload, "every algorithm ≥ 0.85× the raw `EVALSHA` of its own script",
					(results) -> ownFloors(results, workload, Catalog.ALGORITHMS)));
		}
		targets.add(new Target("ratelimit-hot-16", "every algorithm ≥ 1.5× Bucket4j and ≥ 1.5× Redisson",
				(results) -> peers(results, "ratelimit-hot-16", Catalog.ALGORITHMS, 1.5)));
		targets.add(new Target("ratelimit-hot-64",
				"≥ 0.85× the raw `EVALSHA` of its own script, zero errors, ≥ 5× Bucket4j (measured for "
						+ names(Catalog.ALGORITHMS_64) + ")",
				(results) -> hot64(results, Catalog.ALGORITHMS_64)));
		targets.add(new Target("lock-uncontended", "acquire + release ≥ 0.85× the floor",
				(results) -> floorRatio(results, "lock-uncontended", "starter", 0.85)));
		targets.add(new Target("lock-handoff-1jvm",
				"hand-offs/s ≥ Spring Integration's and ≥ Redisson's, p99 time to acquire below Redisson's",
				(results) -> handoff(results, "lock-handoff-1jvm", Double.NaN)));
		targets.add(new Target("lock-handoff-4jvm",
				"hand-offs/s ≥ Spring Integration's and ≥ Redisson's, p99 time to acquire below Redisson's and under "
						+ "5 ms",
				(results) -> handoff(results, "lock-handoff-4jvm", 5e6)));
		targets.add(new Target("cache-hit", "Redis hit through Spring's `Cache` API ≥ 0.9× raw `GET` + decode",
				(results) -> floorRatio(results, "cache-hit", "starter", 0.9)));
		targets.add(new Target("near-cache-hit", "near-cache hit under 1 µs", Targets::nearCache));
		for (String workload : List.of("stampede-1", "stampede-2")) {
			targets.add(new Target(workload,
					"exactly 1 load per key per expiry (every round); slowest of 64 callers within loader + 10 ms "
							+ "(median of the rounds)",
					(results) -> stampede(results, workload)));
			targets.add(new Target(workload, "about 3 Redis commands (round trips) per waiting caller",
					(results) -> stampedeCommands(results, workload)));
		}
		for (String workload : List.of("stream-1", "stream-3")) {
			targets.add(new Target(workload, "no target: reported against Spring Data Redis's container",
					(results) -> stream(results, workload)));
		}
		targets.add(new Target("layers-advice", "no target: the time each advice adds to a call is reported",
				Targets::advice));
		// the public path (issue 17): the annotated call against its floor and its peers
		targets.add(new Target("e2e-ratelimit-hot", "`@RateLimited` ≥ 0.90× the raw `EVALSHA` of its own script",
				(results) -> annotatedRateLimits(results, "e2e-ratelimit-hot", List.of("tb", "sw"))));
		targets.add(new Target("e2e-ratelimit-spread", "`@RateLimited` ≥ 0.90× the raw `EVALSHA` of its own script",
				(results) -> annotatedRateLimits(results, "e2e-ratelimit-spread", List.of("tb"))));
		targets.add(new Target("e2e-lock-cycle", "`@DistributedLock` cycle ≥ 0.85× the floor and ≥ 1.3× Spring Integration",
				Targets::annotatedLockCycle));
		targets.add(new Target("e2e-lock-handoff-4jvm",
				"default (fair): p99 time to acquire under 5 ms; non-fair: hand-offs/s ≥ Spring Integration's",
				Targets::annotatedHandoff));
		targets.add(new Target("e2e-cache-hit", "cache hit through `CacheManager` ≥ 0.90× raw `GET`",
				(results) -> floorRatio(results, "e2e-cache-hit", "cache-manager", 0.9)));
		targets.add(new Target("e2e-stampede-2",
				"1 load per round; slowest caller ≤ the unprotected floor's + 10 ms (medians of the rounds)",
				Targets::annotatedStampede));
		return targets;
	}

	private static Verdict ownFloors(Results results, String workload, List<RateLimitAlgorithm> algorithms) {
		Checks checks = new Checks();
		for (RateLimitAlgorithm algorithm : algorithms) {
			String id = RateLimitPolicies.id(algorithm);
			double ratio = results.ratio(workload, "starter-" + id, "lettuce-" + id);
			checks.add(RateLimitPolicies.label(algorithm), !Double.isNaN(ratio), ratio >= 0.85,
					String.format(Locale.ROOT, "%.2f×", ratio));
		}
		return checks.verdict();
	}

	private static Verdict peers(Results results, String workload, List<RateLimitAlgorithm> algorithms, double factor) {
		Checks checks = new Checks();
		for (RateLimitAlgorithm algorithm : algorithms) {
			String starter = "starter-" + RateLimitPolicies.id(algorithm);
			double bucket4j = results.ratio(workload, starter, "bucket4j");
			double redisson = results.ratio(workload, starter, "redisson");
			checks.add(RateLimitPolicies.label(algorithm), !Double.isNaN(bucket4j) && !Double.isNaN(redisson),
					bucket4j >= factor && redisson >= factor,
					String.format(Locale.ROOT, "%.1f× Bucket4j, %.1f× Redisson", bucket4j, redisson));
		}
		return checks.verdict();
	}

	private static Verdict hot64(Results results, List<RateLimitAlgorithm> algorithms) {
		String workload = "ratelimit-hot-64";
		Checks checks = new Checks();
		for (RateLimitAlgorithm algorithm : algorithms) {
			String id = RateLimitPolicies.id(algorithm);
			double floor = results.ratio(workload, "starter-" + id, "lettuce-" + id);
			double bucket4j = results.ratio(workload, "starter-" + id, "bucket4j");
			long errors = results.errors(workload, "starter-" + id);
			checks.add(RateLimitPolicies.label(algorithm), !Double.isNaN(floor) && !Double.isNaN(bucket4j),
					floor >= 0.85 && bucket4j >= 5 && errors == 0,
					String.format(Locale.ROOT, "%.2f× floor, %.1f× Bucket4j, %d errors", floor, bucket4j, errors));
		}
		return checks.verdict();
	}

	private static Verdict floorRatio(Results results, String workload, String implementation, double minimum) {
		double ratio = results.ratio(workload, implementation, "lettuce");
		if (Double.isNaN(ratio)) {
			return Verdict.notMeasured("starter or floor not measured");
		}
		return Verdict.of(ratio >= minimum, String.format(Locale.ROOT, "%.2f×", ratio));
	}

	private static Verdict handoff(Results results, String workload, double p99LimitNanos) {
		double starter = results.throughput(workload, "starter");
		double versusSpring = results.ratio(workload, "starter", "spring-integration");
		double versusRedisson = results.ratio(workload, "starter", "redisson");
		double p99 = results.percentile(workload, "starter", 99);
		double redissonP99 = results.percentile(workload, "redisson", 99);
		if (Double.isNaN(starter) || Double.isNaN(versusSpring) || Double.isNaN(versusRedisson)) {
			return Verdict.notMeasured("starter, Spring Integration or Redisson not measured");
		}
		boolean met = versusSpring >= 1 && versusRedisson >= 1 && p99 < redissonP99
				&& (Double.isNaN(p99LimitNanos) || p99 < p99LimitNanos);
		return Verdict.of(met, String.format(Locale.ROOT, "%.2f× Spring Integration, %.2f× Redisson; p99 %s (Redisson %s)",
				versusSpring, versusRedisson, ReportWriter.latency(Math.round(p99)),
				ReportWriter.latency(Math.round(redissonP99))));
	}

	private static Verdict nearCache(Results results) {
		double nanos = results.layerNanos(NearCacheBenchmark.class, "starterNearCacheGet");
		if (Double.isNaN(nanos)) {
			return Verdict.notMeasured("layer benchmark not run");
		}
		return Verdict.of(nanos < 1_000, ReportWriter.latency(Math.round(nanos)) + " per hit");
	}

	private static Verdict stampede(Results results, String workload) {
		double maxLoads = results.metric(workload, "starter", "loadsPerRoundMax");
		double meanLoads = results.metric(workload, "starter", "loadsPerRoundMean");
		double slowest = results.metric(workload, "starter", "slowestCallerMedianMillis");
		double slowestMax = results.metric(workload, "starter", "slowestCallerMaxMillis");
		if (Double.isNaN(maxLoads)) {
			return Verdict.notMeasured("starter not measured");
		}
		boolean met = maxLoads == 1 && meanLoads == 1 && slowest <= STAMPEDE_SLOWEST_MILLIS
				&& results.errors(workload, "starter") == 0;
		return Verdict.of(met, String.format(Locale.ROOT, "%.1f loads per round (max %.0f); slowest caller %.1f ms "
				+ "median, %.1f ms max; %d errors", meanLoads, maxLoads, slowest, slowestMax,
				results.errors(workload, "starter")));
	}

	private static Verdict stampedeCommands(Results results, String workload) {
		double roundTrips = results.metric(workload, "starter", "clientCommandsMonitoredRound");
		double inScripts = results.metric(workload, "starter", "scriptCommandsMonitoredRound");
		double callers = results.metric(workload, "starter", "callers");
		if (Double.isNaN(roundTrips)) {
			return Verdict.notMeasured("starter not measured");
		}
		double perCaller = roundTrips / callers;
		return Verdict.of(perCaller <= 3.0, String.format(Locale.ROOT, "%.1f round trips per caller (%.0f in the "
				+ "monitored round, plus %.0f commands inside scripts)", perCaller, roundTrips, inScripts));
	}

	private static Verdict stream(Results results, String workload) {
		double floor = results.ratio(workload, "starter", "lettuce");
		double container = results.ratio(workload, "starter", "sdr-container");
		if (Double.isNaN(floor)) {
			return Verdict.notMeasured("starter or floor not measured");
		}
		return Verdict.info(String.format(Locale.ROOT, "%.2f× the floor, %.2f× the Spring Data Redis container", floor,
				container));
	}

	private static Verdict advice(Results results) {
		List<String> parts = new ArrayList<>();
		String[][] pairs = { { "`@RateLimited`", "rateLimitAdvice", "rateLimitEngine" },
				{ "`@DistributedLock`", "lockAdvice", "lockEngine" },
				{ "`@Cacheable` (near-cache hit)", "nearCacheAdvice", "nearCacheEngine" } };
		for (String[] pair : pairs) {
			double added = results.layerNanos(AdviceBenchmark.class, pair[1])
					- results.layerNanos(AdviceBenchmark.class, pair[2]);
			if (!Double.isNaN(added)) {
				// A negative difference is noise around the round trip: say so instead of printing "+-".
				parts.add(pair[0] + ((added >= 0) ? " +" + ReportWriter.latency(Math.round(added))
						: " " + ReportWriter.latency(Math.round(added)) + " (within the round trip's noise)"));
			}
		}
		return parts.isEmpty() ? Verdict.notMeasured("layer benchmarks not run")
				: Verdict.info(String.join(", ", parts) + " per call");
	}

	private static Verdict annotatedRateLimits(Results results, String workload, List<String> algorithms) {
		Checks checks = new Checks();
		for (String id : algorithms) {
			double ratio = results.ratio(workload, "annotated-" + id, "lettuce-" + id);
			double engine = results.ratio(workload, "engine-" + id, "lettuce-" + id);
			checks.add(id, !Double.isNaN(ratio), ratio >= 0.90,
					String.format(Locale.ROOT, "%.2f× (engine %.2f×)", ratio, engine));
		}
		return checks.verdict();
	}

	private static Verdict annotatedLockCycle(Results results) {
		double floor = results.ratio("e2e-lock-cycle", "annotated", "lettuce");
		double spring = results.ratio("e2e-lock-cycle", "annotated", "spring-integration");
		if (Double.isNaN(floor)) {
			return Verdict.notMeasured("annotated cell or floor not measured");
		}
		return Verdict.of(floor >= 0.85 && spring >= 1.3,
				String.format(Locale.ROOT, "%.2f× the floor, %.2f× Spring Integration", floor, spring));
	}

	private static Verdict annotatedHandoff(Results results) {
		String workload = "e2e-lock-handoff-4jvm";
		double p99 = results.percentile(workload, "annotated", 99);
		double nonFair = results.ratio(workload, "annotated-non-fair", "spring-integration");
		if (Double.isNaN(p99)) {
			return Verdict.notMeasured("annotated cell not measured");
		}
		return Verdict.of(p99 < 5e6 && nonFair >= 1,
				String.format(Locale.ROOT, "fair p99 %s (%.2f× Spring Integration's hand-offs/s); non-fair %.2f× "
						+ "Spring Integration's hand-offs/s, p99 %s", ReportWriter.latency(Math.round(p99)),
						results.ratio(workload, "annotated", "spring-integration"), nonFair,
						ReportWriter.latency(Math.round(results.percentile(workload, "annotated-non-fair", 99)))));
	}

	private static Verdict annotatedStampede(Results results) {
		String workload = "e2e-stampede-2";
		double loads = results.metric(workload, "annotated", "loadsPerRoundMax");
		double slowest = results.metric(workload, "annotated", "slowestCallerMedianMillis");
		double floor = results.metric(workload, "lettuce", "slowestCallerMedianMillis");
		if (Double.isNaN(loads) || Double.isNaN(floor)) {
			return Verdict.notMeasured("annotated cell or floor not measured");
		}
		return Verdict.of(loads == 1 && slowest <= floor + 10,
				String.format(Locale.ROOT, "%.0f load(s) per round at most; slowest caller %.1f ms (floor %.1f ms)", loads,
						slowest, floor));
	}

	private static String names(List<RateLimitAlgorithm> algorithms) {
		return String.join(" and ", algorithms.stream().map((a) -> "`" + RateLimitPolicies.label(a) + "`").toList());
	}

	/** Several measured items of one target: met when every measured one is, not measured when none is. */
	private static final class Checks {

		private final List<String> texts = new ArrayList<>();

		private final List<String> missing = new ArrayList<>();

		private boolean allMet = true;

		private int measured;

		void add(String name, boolean measured, boolean met, String text) {
			if (!measured) {
				this.missing.add(name);
				return;
			}
			this.measured++;
			this.allMet &= met;
			this.texts.add("`" + name + "` " + text + (met ? "" : " ✗"));
		}

		Verdict verdict() {
			if (this.measured == 0) {
				return Verdict.notMeasured("not measured in this run");
			}
			String text = String.join("; ", this.texts)
					+ (this.missing.isEmpty() ? "" : "; not measured: " + String.join(", ", this.missing));
			return Verdict.of(this.allMet, text);
		}

	}

}
