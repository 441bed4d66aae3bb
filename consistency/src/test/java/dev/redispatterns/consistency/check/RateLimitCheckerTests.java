package dev.redispatterns.consistency.check;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.redispatterns.consistency.check.RateLimitChecker.Policy;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitCheckerTests {

	private final RateLimitChecker checker = new RateLimitChecker(Map.of("fw", new Policy("fixed-window", 2, 1000, 0, 0),
			"sl", new Policy("sliding-log", 2, 1000, 0, 0), "tb", new Policy("token-bucket", 0, 0, 2, 1.0)));

	@Test
	void fixedWindowAtTheLimitPasses() {
		Histories h = new Histories();
		h.op("ratelimit", "app1", "fw", "k", 100, 110, "ALLOWED");
		h.op("ratelimit", "app2", "fw", "k", 120, 130, "ALLOWED");
		h.op("ratelimit", "app3", "fw", "k", 140, 150, "REJECTED");
		h.op("ratelimit", "app1", "fw", "k", 1100, 1110, "ALLOWED");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void fixedWindowOverTheLimitAcrossJvmsIsFlagged() {
		// A limiter on skewed client clocks: three JVMs each grant inside the same Redis-time window.
		Histories h = new Histories();
		h.op("ratelimit", "app1", "fw", "k", 100, 110, "ALLOWED");
		h.op("ratelimit", "app2", "fw", "k", 120, 130, "ALLOWED");
		h.op("ratelimit", "app3", "fw", "k", 140, 150, "ALLOWED");
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).extracting(Anomaly::kind).containsExactly("over-limit");
	}

	@Test
	void grantsThatMayStraddleAWindowEdgeAreNotCounted() {
		Histories h = new Histories();
		h.op("ratelimit", "app1", "fw", "k", 900, 910, "ALLOWED");
		h.op("ratelimit", "app2", "fw", "k", 920, 930, "ALLOWED");
		h.op("ratelimit", "app3", "fw", "k", 990, 1010, "ALLOWED");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void aRefusalBelowTheLimitWithNoFaultIsFlagged() {
		Histories h = new Histories();
		h.op("ratelimit", "app1", "fw", "k", 100, 110, "ALLOWED");
		h.op("ratelimit", "app2", "fw", "k", 120, 130, "REJECTED");
		assertThat(this.checker.check(h.history()).anomalies()).extracting(Anomaly::kind)
			.containsExactly("refused-under-limit");
	}

	@Test
	void anUnansweredRequestMayBeTheMissingGrant() {
		Histories h = new Histories();
		h.op("ratelimit", "app1", "fw", "k", 100, 110, "ALLOWED");
		h.unknown("ratelimit", "app2", "fw", "k", 105);
		h.op("ratelimit", "app3", "fw", "k", 120, 130, "REJECTED");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void degradedDecisionsAreReportedApartAndNeverCounted() {
		Histories h = new Histories().fault("redis unreachable", 0, 500, true, false);
		for (int i = 0; i < 5; i++) {
			h.op("ratelimit", "app1", "fw", "k", 100 + i, 101 + i, "ERROR_OPEN");
		}
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.counts()).containsEntry("degraded ERROR_OPEN", 5L);
		assertThat(result.explained()).allMatch((e) -> e.fault().equals("redis unreachable"));
	}

	@Test
	void overLimitAfterARestartWithoutPersistenceIsExplained() {
		Histories h = new Histories().fault("restart without AOF", 100, 300, true, true);
		h.op("ratelimit", "app1", "fw", "k", 100, 110, "ALLOWED");
		h.op("ratelimit", "app2", "fw", "k", 120, 130, "ALLOWED");
		h.op("ratelimit", "app3", "fw", "k", 340, 350, "ALLOWED");
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.explained()).extracting(Explained::kind).containsExactly("over-limit-after-state-loss");
	}

	@Test
	void slidingLogCountsAnyWindow() {
		Histories h = new Histories();
		h.op("ratelimit", "app1", "sl", "k", 700, 710, "ALLOWED");
		h.op("ratelimit", "app2", "sl", "k", 1200, 1210, "ALLOWED");
		h.op("ratelimit", "app3", "sl", "k", 1500, 1510, "ALLOWED");
		assertThat(this.checker.check(h.history()).anomalies()).extracting(Anomaly::kind).containsExactly("over-limit");
		Histories spaced = new Histories();
		spaced.op("ratelimit", "app1", "sl", "k", 100, 110, "ALLOWED");
		spaced.op("ratelimit", "app2", "sl", "k", 200, 210, "ALLOWED");
		spaced.op("ratelimit", "app3", "sl", "k", 300, 310, "REJECTED");
		spaced.op("ratelimit", "app3", "sl", "k", 1150, 1160, "ALLOWED");
		assertThat(this.checker.check(spaced.history()).anomalies()).isEmpty();
	}

	@Test
	void tokenBucketAllowsBurstPlusRefill() {
		Histories h = new Histories();
		h.op("ratelimit", "app1", "tb", "k", 0, 5, "ALLOWED");
		h.op("ratelimit", "app2", "tb", "k", 6, 10, "ALLOWED");
		h.op("ratelimit", "app3", "tb", "k", 1000, 1010, "ALLOWED");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
		h.op("ratelimit", "app1", "tb", "k", 1020, 1030, "ALLOWED");
		assertThat(this.checker.check(h.history()).anomalies()).extracting(Anomaly::kind).containsExactly("over-limit");
	}

	@Test
	void aDegradedDecisionMayStillHaveTakenAPermit() {
		// The client gave up waiting (fail-open), but the script ran in Redis afterwards.
		Histories h = new Histories();
		h.op("ratelimit", "app1", "fw", "k", 100, 110, "ALLOWED");
		h.op("ratelimit", "app2", "fw", "k", 105, 115, "ERROR_OPEN");
		h.op("ratelimit", "app3", "fw", "k", 120, 130, "REJECTED");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

}
