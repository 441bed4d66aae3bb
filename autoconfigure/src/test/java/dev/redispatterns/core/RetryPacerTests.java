package dev.redispatterns.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.redispatterns.core.internal.RetryPacer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pauses themselves; {@code ScriptExecutorClusterTests} and {@code ReplicaAcknowledgementClusterTests}
 * pace real {@code TRYAGAIN} refusals with them.
 */
class RetryPacerTests {

	@Test
	void tryAgainPausesDoubleFromFiveToOneHundredMilliseconds() {
		RetryPacer pacer = RetryPacer.tryAgain(Duration.ofHours(1));
		assertThat(millis(pacer, 7)).containsExactly(5L, 10L, 20L, 40L, 80L, 100L, 100L);
	}

	@Test
	void tryAgainPausesStopWhenTheTimeAllowedHasPassed() {
		RetryPacer none = RetryPacer.tryAgain(Duration.ZERO);
		assertThat(none.nextPauseNanos()).isLessThanOrEqualTo(0);
		RetryPacer almostOver = RetryPacer.tryAgain(Duration.ofMillis(3));
		assertThat(almostOver.nextPauseNanos()).as("cut to the time left").isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(3));
	}

	@Test
	void growingPausesHaveNoBoundAndStartAgainAfterASuccess() {
		RetryPacer pacer = RetryPacer.growing(Duration.ofMillis(100), Duration.ofSeconds(5));
		assertThat(millis(pacer, 8)).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L);
		pacer.reset();
		assertThat(millis(pacer, 2)).containsExactly(100L, 200L);
	}

	@Test
	void aFailureOtherThanTryAgainIsThrownWithoutPause() {
		RetryPacer pacer = RetryPacer.tryAgain(Duration.ofHours(1));
		RedisPatternsException failure = new RedisPatternsException("Redis rejected the command: ERR");
		assertThatThrownBy(() -> pacer.pauseOrThrow(failure)).isSameAs(failure);
		assertThat(pacer.nextPauseNanos()).as("no pause taken").isEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
	}

	private static List<Long> millis(RetryPacer pacer, int count) {
		List<Long> pauses = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			pauses.add(TimeUnit.NANOSECONDS.toMillis(pacer.nextPauseNanos()));
		}
		return pauses;
	}

}
