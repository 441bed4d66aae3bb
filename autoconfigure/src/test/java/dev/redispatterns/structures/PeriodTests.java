package dev.redispatterns.structures;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeriodTests {

	@Test
	void labelsAndBoundariesOfEachPeriod() {
		LocalDate day = LocalDate.of(2027, 1, 1);
		assertThat(Period.DAILY.label(day)).isEqualTo("2027-01-01");
		assertThat(Period.WEEKLY.label(day)).as("ISO week-based year").isEqualTo("2026-W53");
		assertThat(Period.WEEKLY.start(day)).isEqualTo(LocalDate.of(2026, 12, 28));
		assertThat(Period.MONTHLY.label(day)).isEqualTo("2027-01");
		assertThat(Period.DAILY.end(day, ZoneId.of("Europe/Paris"))).isEqualTo(Instant.parse("2027-01-01T23:00:00Z"));
		assertThat(Period.WEEKLY.end(day, ZoneId.of("UTC"))).isEqualTo(Instant.parse("2027-01-04T00:00:00Z"));
		assertThat(Period.MONTHLY.next(LocalDate.of(2027, 2, 15))).isEqualTo(LocalDate.of(2027, 3, 1));
		assertThat(Period.NONE.label(day)).isEmpty();
		assertThatThrownBy(() -> Period.NONE.end(day, ZoneId.of("UTC"))).isInstanceOf(IllegalStateException.class);
	}

}
