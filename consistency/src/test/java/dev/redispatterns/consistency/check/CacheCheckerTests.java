package dev.redispatterns.consistency.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CacheCheckerTests {

	private final CacheChecker checker = new CacheChecker(20_000, 10, 500);

	@Test
	void readsAfterAnEvictSeeTheNewVersion() {
		Histories h = new Histories();
		h.op("cache", "app1", "read", "c", 0, 5, "0");
		h.event(2, "load", "c", 0, "app1", 1, true);
		h.op("cache", "app2", "evict", "c", 10, 20, "1");
		h.event(12, "bump", "c", 1, "app2", 2, true);
		h.op("cache", "app3", "read", "c", 30, 35, "1");
		h.event(32, "load", "c", 1, "app3", 3, true);
		h.op("cache", "app1", "read", "c", 40, 41, "1");
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.counts()).containsEntry("loads", 2L);
	}

	@Test
	void aReadOfAnOlderVersionAfterTheUpdateReturnedIsFlagged() {
		// A load that began before the put and stored after it returned (issue 14), or a cache that fills
		// after an evict.
		Histories h = new Histories();
		h.op("cache", "app1", "put", "c", 0, 5, "1");
		h.event(2, "bump", "c", 1, "app1", 1, true);
		h.op("cache", "app2", "read", "c", 6, 30, "1");
		h.op("cache", "app3", "put", "c", 10, 15, "2");
		h.event(12, "bump", "c", 2, "app3", 3, true);
		h.op("cache", "app1", "read", "c", 40, 41, "1");
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).extracting(Anomaly::kind).containsExactly("stale-read");
		assertThat(result.anomalies().get(0).ops()).containsExactly(3L, 4L);
	}

	@Test
	void aReadConcurrentWithTheUpdateMayReturnEither() {
		Histories h = new Histories();
		h.op("cache", "app1", "put", "c", 0, 5, "1");
		h.event(2, "bump", "c", 1, "app1", 1, true);
		h.op("cache", "app3", "put", "c", 10, 20, "2");
		h.event(12, "bump", "c", 2, "app3", 2, true);
		h.op("cache", "app2", "read", "c", 15, 25, "1");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void concurrentUpdatesMayLandInEitherOrder() {
		// Two puts overlapping in time: the older version may be the one left in the cache.
		Histories h = new Histories();
		h.op("cache", "app1", "put", "c", 0, 20, "1");
		h.event(2, "bump", "c", 1, "app1", 1, true);
		h.op("cache", "app2", "put", "c", 5, 10, "2");
		h.event(6, "bump", "c", 2, "app2", 2, true);
		h.op("cache", "app3", "read", "c", 30, 31, "1");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void aStaleReadAfterAnEvictSkippedDuringAnOutageIsExplainedAndMeasured() {
		Histories h = new Histories().fault("redis unreachable", 0, 100, true, false);
		h.op("cache", "app1", "read", "c", 0, 1, "0");
		h.op("cache", "app2", "evict", "c", 50, 60, "1");
		h.event(52, "bump", "c", 1, "app2", 2, true);
		h.op("cache", "app3", "read", "c", 300, 301, "0");
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.explained()).extracting(Explained::kind).containsExactly("stale-after-skipped-evict");
		assertThat(result.explained().get(0).window()).isEqualTo(Histories.ms(241));
	}

	@Test
	void anAppPauseDoesNotExcuseAStaleRead() {
		Histories h = new Histories().fault("app JVM SIGSTOP", 0, 100, false, false);
		h.op("cache", "app2", "evict", "c", 50, 60, "1");
		h.event(52, "bump", "c", 1, "app2", 1, true);
		h.op("cache", "app3", "read", "c", 300, 301, "0");
		assertThat(this.checker.check(h.history()).anomalies()).extracting(Anomaly::kind).containsExactly("stale-read");
	}

	@Test
	void aSecondLoadWithinTheTtlWithoutUpdateOrFaultIsFlagged() {
		Histories h = new Histories();
		h.op("cache", "app1", "read", "c", 0, 5, "0");
		h.event(2, "load", "c", 0, "app1", 1, true);
		h.op("cache", "app2", "read", "c", 100, 105, "0");
		h.event(102, "load", "c", 0, "app2", 2, true);
		h.op("cache", "app3", "read", "c", 30_000, 30_005, "0");
		h.event(30_002, "load", "c", 0, "app3", 3, true);
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).extracting(Anomaly::kind).containsExactly("extra-load");
	}

	@Test
	void aLoadAfterAnEvictIsExpected() {
		Histories h = new Histories();
		h.event(2, "load", "c", 0, "app1", 1, true);
		h.op("cache", "app2", "evict", "c", 50, 60, "1");
		h.event(52, "bump", "c", 1, "app2", 2, true);
		h.event(70, "load", "c", 1, "app3", 3, true);
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void aLoadWhoseReadBeganBeforeAnEvictReturnedIsNotStoredSoTheNextReadLoadsAgain() {
		Histories h = new Histories();
		h.op("cache", "app3", "evict", "c", 0, 33, "1");
		h.event(17, "bump", "c", 1, "app3", 1, true);
		h.op("cache", "app2", "read", "c", 2, 46, "1");
		h.event(35, "load", "c", 1, "app2", 2, true);
		h.op("cache", "app1", "read", "c", 96, 145, "1");
		h.event(133, "load", "c", 1, "app1", 3, true);
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void aLoadWhoseReadBeganAfterTheEvictReturnedIsStoredSoALoadAgainIsFlagged() {
		Histories h = new Histories();
		h.op("cache", "app3", "evict", "c", 0, 33, "1");
		h.event(17, "bump", "c", 1, "app3", 1, true);
		h.op("cache", "app2", "read", "c", 40, 60, "1");
		h.event(50, "load", "c", 1, "app2", 2, true);
		h.op("cache", "app1", "read", "c", 96, 145, "1");
		h.event(133, "load", "c", 1, "app1", 3, true);
		assertThat(this.checker.check(h.history()).anomalies()).extracting(Anomaly::kind).containsExactly("extra-load");
	}

	@Test
	void anUpdateLostInAFailoverIsExplained() {
		Histories h = new Histories().fault("SENTINEL FAILOVER", 100, 200, true, true);
		h.op("cache", "app1", "put", "c", 0, 5, "1");
		h.event(2, "bump", "c", 1, "app1", 1, true);
		h.op("cache", "app2", "put", "c", 10, 15, "2");
		h.event(12, "bump", "c", 2, "app2", 2, true);
		h.op("cache", "app3", "read", "c", 250, 251, "1");
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.explained()).extracting(Explained::kind).containsExactly("stale-after-state-loss");
	}

	@Test
	void anUpdateSlowerThanTheCacheTimeoutMayHaveBeenSkipped() {
		Histories h = new Histories();
		h.op("cache", "app2", "evict", "c", 50, 700, "1");
		h.event(52, "bump", "c", 1, "app2", 1, true);
		h.op("cache", "app3", "read", "c", 800, 801, "0");
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.explained()).extracting(Explained::kind).containsExactly("stale-after-slow-evict");
	}

	@Test
	void aReadSlowerThanTheCacheTimeoutMayLoadAgain() {
		Histories h = new Histories();
		h.op("cache", "app1", "read", "c", 0, 5, "0");
		h.event(2, "load", "c", 0, "app1", 1, true);
		h.op("cache", "app2", "read", "c", 100, 700, "0");
		h.event(650, "load", "c", 0, "app2", 2, true);
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.explained()).extracting(Explained::kind).containsExactly("extra-load-after-slow-read");
	}

}
