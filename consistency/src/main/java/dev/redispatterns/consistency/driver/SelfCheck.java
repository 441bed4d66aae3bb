package dev.redispatterns.consistency.driver;

import java.util.List;
import java.util.Set;

import dev.redispatterns.consistency.check.CheckResult;

/**
 * The broken implementations of the test application ({@code consistency.broken=true}) and the anomaly each
 * must produce: a checker that does not flag its broken implementation is itself broken.
 */
final class SelfCheck {

	record Broken(String name, String pattern, Set<String> kinds) {
	}

	static final List<Broken> BROKEN = List.of(
			new Broken("lock released without the owner check", "lock", Set.of("overlap", "fenced-live-holder")),
			new Broken("cache that fills after an evict", "cache", Set.of("stale-read")),
			new Broken("fixed window on the client clock, skewed per JVM", "ratelimit", Set.of("over-limit")),
			new Broken("stream trimmed below the group", "stream", Set.of("lost")),
			new Broken("queue that acknowledges before handling", "queue", Set.of("lost", "dead-letter")),
			new Broken("session accepted from a per-JVM cache after sign-out", "session",
					Set.of("accepted-after-signout")));

	private SelfCheck() {
	}

	/** Prints one line per broken implementation and the verdict; 0 when every one was caught. */
	static int judge(List<CheckResult> results) {
		int caught = 0;
		for (Broken broken : BROKEN) {
			long found = results.stream()
				.filter((result) -> result.pattern().equals(broken.pattern()))
				.flatMap((result) -> result.anomalies().stream())
				.filter((anomaly) -> broken.kinds().contains(anomaly.kind()))
				.count();
			if (found > 0) {
				caught++;
			}
			System.out.println(((found > 0) ? "caught: " : "MISSED: ") + broken.name() + " (" + broken.pattern() + ": "
					+ found + " × " + broken.kinds() + ")");
		}
		System.out.println("self-check: " + caught + " of " + BROKEN.size() + " broken implementations caught");
		return (caught == BROKEN.size()) ? 0 : 1;
	}

}
