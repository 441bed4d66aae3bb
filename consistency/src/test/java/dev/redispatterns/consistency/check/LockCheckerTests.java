package dev.redispatterns.consistency.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LockCheckerTests {

	private final LockChecker checker = new LockChecker();

	@Test
	void sequentialHoldersWithRisingTokensPass() {
		Histories h = new Histories();
		h.event(10, "claim", "L", 1, "app1", 1, true).event(20, "write", "L", 1, "app1", 1, true)
			.event(30, "exit", "L", 1, "app1", 1, false);
		h.event(31, "claim", "L", 2, "app2", 2, true).event(40, "write", "L", 2, "app2", 2, true)
			.event(50, "exit", "L", 2, "app2", 2, false);
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.counts()).containsEntry("critical sections", 2L);
	}

	@Test
	void overlapOfAHolderThatWasNeverToldIsFlagged() {
		// The owner-check-less release: app2 entered while app1 still held the lock with a live lease.
		Histories h = new Histories();
		h.event(10, "claim", "L", 1, "app1", 1, true);
		h.event(15, "claim", "L", 2, "app2", 2, true);
		h.event(20, "write", "L", 1, "app1", 1, false);
		h.event(25, "exit", "L", 1, "app1", 1, false).event(30, "exit", "L", 2, "app2", 2, false);
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies("overlap")).isEqualTo(1);
		assertThat(result.anomalies("fenced-live-holder")).isEqualTo(1);
		assertThat(result.anomalies()).filteredOn((anomaly) -> anomaly.kind().equals("overlap"))
			.flatExtracting(Anomaly::ops)
			.containsExactly(1L, 2L);
	}

	@Test
	void overlapAfterReportedLeaseLossIsExplainedAndItsStaleWriteRefused() {
		// app1 paused past its lease; the lock told it the lease was lost, and fencing refused its write.
		Histories h = new Histories();
		h.event(10, "claim", "L", 1, "app1", 1, true);
		h.event(400, "claim", "L", 2, "app2", 2, true);
		h.event(450, "write", "L", 1, "app1", 1, false);
		h.event(460, "exit", "L", 1, "app1", 1, true);
		h.event(480, "write", "L", 2, "app2", 2, true).event(500, "exit", "L", 2, "app2", 2, false);
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.explained()).extracting(Explained::kind).containsExactly("overlap-after-lease-loss");
		assertThat(result.explained().get(0).window()).isEqualTo(Histories.ms(50));
		assertThat(result.counts()).containsEntry("stale writes refused (holder told of loss)", 1L);
	}

	@Test
	void theEarlierHolderIsTheLowerTokenEvenWhenItEntersLater() {
		// app1 acquired first (token 1) but was frozen before entering; app2 (token 2) entered meanwhile.
		Histories h = new Histories();
		h.event(10, "claim", "L", 2, "app2", 2, true);
		h.event(20, "claim", "L", 1, "app1", 1, false);
		h.event(30, "exit", "L", 1, "app1", 1, true).event(40, "exit", "L", 2, "app2", 2, false);
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void tokensThatDoNotRiseFenceOutALiveHolder() {
		// A lock that hands out a lower token to the next holder: its claim is refused though it was never told.
		Histories h = new Histories();
		h.event(10, "claim", "L", 5, "app1", 1, true).event(20, "exit", "L", 5, "app1", 1, false);
		h.event(30, "claim", "L", 3, "app2", 2, false).event(40, "exit", "L", 3, "app2", 2, false);
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).extracting(Anomaly::kind).containsExactly("fenced-live-holder");
	}

	@Test
	void aRegisterAcceptingStaleTokensIsFlagged() {
		Histories h = new Histories();
		h.event(10, "claim", "L", 5, "app1", 1, true).event(20, "exit", "L", 5, "app1", 1, false);
		h.event(30, "claim", "L", 3, "app2", 2, true).event(35, "write", "L", 5, "app1", 1, true);
		h.event(40, "exit", "L", 3, "app2", 2, false);
		assertThat(this.checker.check(h.history()).anomalies("stale-write-accepted")).isEqualTo(2);
	}

	@Test
	void twoHoldersAfterALostGrantAreExplained() {
		// The failover case of docs/operations.md: the grant never reached the replica that took over.
		Histories h = new Histories().fault("SENTINEL FAILOVER", 12, 14, true, true);
		h.event(10, "claim", "L", 1, "app1", 1, true);
		h.event(15, "claim", "L", 2, "app2", 2, true);
		h.event(20, "write", "L", 1, "app1", 1, false);
		h.event(25, "exit", "L", 1, "app1", 1, false).event(30, "exit", "L", 2, "app2", 2, false);
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.explained()).extracting(Explained::kind)
			.containsExactlyInAnyOrder("overlap-after-lost-grant", "fenced-after-lost-grant");
	}

	@Test
	void aLateExitMessageIsNoOverlap() {
		// The holder's last write was before the next claim; only its exit message arrived late.
		Histories h = new Histories();
		h.event(10, "claim", "L", 1, "app3", 1, true).event(20, "write", "L", 1, "app3", 1, true);
		h.event(30, "claim", "L", 2, "app1", 2, true);
		h.event(40, "exit", "L", 1, "app3", 1, false).event(50, "exit", "L", 2, "app1", 2, false);
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

}
