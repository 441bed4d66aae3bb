package dev.redispatterns.consistency.check;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.redispatterns.consistency.history.Handled;
import dev.redispatterns.consistency.history.History;

import static org.assertj.core.api.Assertions.assertThat;

class MessagingCheckerTests {

	private final MessagingChecker checker = new MessagingChecker("stream");

	private static History history(Histories h, List<Handled> handled, List<String> dead) {
		return h.history().withMessages(handled, Map.of("stream", dead));
	}

	@Test
	void everyAcceptedMessageHandledOrDeadLetteredReconciles() {
		Histories h = new Histories();
		h.op("stream", "app1", "publish", "s1", 0, 1, "1-0");
		h.op("stream", "app2", "publish", "s2:flaky", 2, 3, "2-0");
		h.op("stream", "app3", "publish", "s3:poison", 4, 5, "3-0");
		CheckResult result = this.checker.check(history(h, List.of(new Handled("stream", "s1", "1-0", 1, "app2"),
				new Handled("stream", "s2:flaky", "2-0", 2, "app3")), List.of("s3:poison")));
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.counts()).containsEntry("accepted", 3L).containsEntry("handled", 2L)
			.containsEntry("dead-lettered", 1L).containsEntry("lost", 0L);
	}

	@Test
	void anAcceptedMessageNeverHandledIsLost() {
		// A stream trimmed below the group, or a queue that acknowledged before handling.
		Histories h = new Histories();
		h.op("stream", "app1", "publish", "s1", 0, 1, "1-0");
		assertThat(this.checker.check(history(h, List.of(), List.of())).anomalies()).extracting(Anomaly::kind)
			.containsExactly("lost");
	}

	@Test
	void aMessageAcceptedBeforeARestartWithoutPersistenceMayBeLost() {
		Histories h = new Histories().fault("restart without AOF", 100, 200, true, true);
		h.op("stream", "app1", "publish", "s1", 0, 1, "1-0");
		CheckResult result = this.checker.check(history(h, List.of(), List.of()));
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.counts()).containsEntry("lost (explained)", 1L);
	}

	@Test
	void aLossOfStateLongAfterTheMessageShouldHaveBeenHandledDoesNotExplainIt() {
		Histories h = new Histories().fault("restart without AOF", 60_000, 61_000, true, true);
		h.op("stream", "app1", "publish", "s1", 0, 1, "1-0");
		assertThat(this.checker.check(history(h, List.of(), List.of())).anomalies()).extracting(Anomaly::kind)
			.containsExactly("lost");
	}

	@Test
	void aFailedPublishNeedNotArrive() {
		Histories h = new Histories();
		h.unknown("stream", "app1", "publish", "s1", 0);
		assertThat(this.checker.check(history(h, List.of(), List.of())).anomalies()).isEmpty();
	}

	@Test
	void aRerunMarkedAsRedeliveryIsExplainedUnderAFault() {
		Histories h = new Histories().fault("connections cut", 0, 100, true, false);
		h.op("stream", "app1", "publish", "s1", 0, 1, "1-0");
		CheckResult result = this.checker.check(history(h, List.of(new Handled("stream", "s1", "1-0", 1, "app1"),
				new Handled("stream", "s1", "1-0", 2, "app2")), List.of()));
		assertThat(result.anomalies()).isEmpty();
		assertThat(result.counts()).containsEntry("re-runs (explained)", 1L);
	}

	@Test
	void handlingTwiceAsAFirstDeliveryIsFlagged() {
		Histories h = new Histories().fault("connections cut", 0, 100, true, false);
		h.op("stream", "app1", "publish", "s1", 0, 1, "1-0");
		CheckResult result = this.checker.check(history(h, List.of(new Handled("stream", "s1", "1-0", 1, "app1"),
				new Handled("stream", "s1", "1-0", 1, "app1")), List.of()));
		assertThat(result.anomalies()).extracting(Anomaly::kind).containsExactly("handled-again");
	}

	@Test
	void aRedeliveryWithoutAnyFaultIsFlagged() {
		Histories h = new Histories();
		h.op("stream", "app1", "publish", "s1", 0, 1, "1-0");
		CheckResult result = this.checker.check(history(h, List.of(new Handled("stream", "s1", "1-0", 1, "app1"),
				new Handled("stream", "s1", "1-0", 2, "app2")), List.of()));
		assertThat(result.anomalies()).extracting(Anomaly::kind).containsExactly("handled-again");
	}

	@Test
	void deadLettersAreAccountedFor() {
		Histories h = new Histories();
		h.op("stream", "app1", "publish", "s1:poison", 0, 1, "1-0");
		h.op("stream", "app1", "publish", "s2", 2, 3, "2-0");
		CheckResult result = this.checker.check(history(h, List.of(new Handled("stream", "s2", "2-0", 1, "app1")),
				List.of("s1:poison", "s1:poison", "s2", "s9")));
		assertThat(result.anomalies()).extracting(Anomaly::kind).containsOnly("dead-letter").hasSize(3);
	}

	@Test
	void onePublishUnderTwoEntriesIsFlagged() {
		Histories h = new Histories();
		h.op("stream", "app1", "publish", "s1", 0, 1, "1-0");
		CheckResult result = this.checker.check(history(h, List.of(new Handled("stream", "s1", "1-0", 1, "app1"),
				new Handled("stream", "s1", "1-1", 1, "app2")), List.of()));
		assertThat(result.anomalies()).extracting(Anomaly::kind).contains("duplicate-entry");
	}

}
