package dev.redispatterns.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** How a run of several passes is summarised: medians of per-pass ratios, worst cases kept. */
class ResultsTests {

	@Test
	void ratioIsTheMedianOfThePassesRatiosNotTheRatioOfMedians() {
		Results results = new Results(List.of(pass(100, 90), pass(300, 150), pass(80, 100)), Map.of());
		// per pass 0.9, 0.5, 1.25; the medians of the throughputs would give 100 / 100 = 1.0
		assertThat(results.ratio("w", "x", "floor")).isCloseTo(0.9, within(1e-9));
		assertThat(results.ratios("w", "x", "floor")).containsExactly(0.9, 0.5, 1.25);
		assertThat(results.throughput("w", "x")).isCloseTo(100, within(1e-6));
	}

	@Test
	void aPassThatFailedACellIsLeftOutOfItsRatios() {
		Map<String, CellResult> failed = new LinkedHashMap<>();
		failed.put("w/floor", cell("floor", 100, 0, Map.of()));
		failed.put("w/x", CellResult.failed("w", "x", "boom"));
		Results results = new Results(List.of(pass(100, 80), failed, pass(100, 60)), Map.of());
		assertThat(results.ratios("w", "x", "floor").get(1)).isNaN();
		assertThat(results.ratio("w", "x", "floor")).isCloseTo(0.7, within(1e-9));
		assertThat(results.representative().get("w/x").isFailed()).isFalse();
	}

	@Test
	void theTablesShowTheCellsMedianPassAndTheWorstCasesAreKept() {
		Map<String, CellResult> first = pass(100, 50);
		first.put("w/x", cell("x", 50, 2, Map.of("loadsPerRoundMax", 3.0, "slowestCallerMedianMillis", 70.0)));
		Map<String, CellResult> second = pass(100, 70);
		second.put("w/x", cell("x", 70, 0, Map.of("loadsPerRoundMax", 1.0, "slowestCallerMedianMillis", 90.0)));
		Map<String, CellResult> third = pass(100, 60);
		third.put("w/x", cell("x", 60, 1, Map.of("loadsPerRoundMax", 1.0, "slowestCallerMedianMillis", 80.0)));
		Results results = new Results(List.of(first, second, third), Map.of());
		assertThat(results.representative().get("w/x").operations()).isEqualTo(60);
		assertThat(results.metric("w", "x", "loadsPerRoundMax")).isEqualTo(3.0);
		assertThat(results.metric("w", "x", "slowestCallerMedianMillis")).isEqualTo(80.0);
		assertThat(results.errors("w", "x")).isEqualTo(3);
	}

	@Test
	void oneNotMeasuredCellReadsAsAbsent() {
		Results results = new Results(List.of(pass(100, 90)), Map.of());
		assertThat(results.ratio("w", "missing", "floor")).isNaN();
		assertThat(results.errors("w", "missing")).isEqualTo(-1);
		assertThat(results.cell("w", "missing")).isNull();
	}

	private static Map<String, CellResult> pass(long floor, long x) {
		Map<String, CellResult> pass = new LinkedHashMap<>();
		pass.put("w/floor", cell("floor", floor, 0, Map.of()));
		pass.put("w/x", cell("x", x, 0, Map.of()));
		return pass;
	}

	/** A cell measured for one second: its operations are its operations per second. */
	private static CellResult cell(String implementation, long operations, long errors,
			@Nullable Map<String, Double> metrics) {
		return new CellResult("w", implementation, 1, 1_000_000_000L, operations, operations, errors, List.of(), "", -1,
				metrics, List.of(), null);
	}

}
