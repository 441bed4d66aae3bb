package dev.redispatterns.consistency.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SessionCheckerTests {

	private final SessionChecker checker = new SessionChecker();

	@Test
	void sessionsEndWithSignOutEverywhere() {
		Histories h = new Histories();
		h.op("session", "app1", "login", "ann", 0, 5, "S1");
		h.op("session", "app2", "me", "ann", 10, 12, "accepted ann", "S1");
		h.op("session", "app3", "signout", "ann", 20, 25, "1");
		h.op("session", "app2", "me", "ann", 30, 32, "rejected", "S1");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void aSessionAcceptedAfterSignOutEverywhereReturnedIsFlagged() {
		// A per-instance cache of sessions, or a revocation that lost the user's index.
		Histories h = new Histories();
		h.op("session", "app1", "login", "ann", 0, 5, "S1");
		h.op("session", "app3", "signout", "ann", 20, 25, "0");
		h.op("session", "app2", "me", "ann", 30, 32, "accepted ann", "S1");
		assertThat(this.checker.check(h.history()).anomalies()).extracting(Anomaly::kind)
			.containsExactly("accepted-after-signout");
	}

	@Test
	void requestsConcurrentWithTheSignOutAndLaterSignInsMayBeAccepted() {
		Histories h = new Histories();
		h.op("session", "app1", "login", "ann", 0, 5, "S1");
		h.op("session", "app1", "login", "ann", 18, 22, "S2");
		h.op("session", "app3", "signout", "ann", 20, 25, "1");
		h.op("session", "app2", "me", "ann", 24, 30, "accepted ann", "S1");
		h.op("session", "app2", "me", "ann", 40, 42, "accepted ann", "S2");
		h.op("session", "app1", "login", "ann", 50, 55, "S3");
		h.op("session", "app2", "me", "ann", 60, 62, "accepted ann", "S3");
		assertThat(this.checker.check(h.history()).anomalies()).isEmpty();
	}

	@Test
	void aRevocationLostInAFailoverIsExplained() {
		Histories h = new Histories().fault("master SIGSTOP", 26, 28, true, true);
		h.op("session", "app1", "login", "ann", 0, 5, "S1");
		h.op("session", "app3", "signout", "ann", 20, 25, "1");
		h.op("session", "app2", "me", "ann", 30, 32, "accepted ann", "S1");
		CheckResult result = this.checker.check(h.history());
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.explained()).extracting(Explained::kind).containsExactly("accepted-after-lost-revocation");
	}

}
