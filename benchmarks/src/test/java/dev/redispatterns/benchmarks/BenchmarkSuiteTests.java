package dev.redispatterns.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.redispatterns.benchmarks.BenchmarkSuite.Cell;
import dev.redispatterns.benchmarks.harness.SuiteOptions;

import static org.assertj.core.api.Assertions.assertThat;

/** The order cells run in, pass after pass. */
class BenchmarkSuiteTests {

	@Test
	void everySecondPassRunsEachWorkloadsCellsBackwards() {
		SuiteOptions options = new SuiteOptions(false, List.of("e2e-lock-cycle/annotated", "e2e-cache-hit/annotated"),
				Duration.ofSeconds(2), Duration.ofSeconds(4), 10, 3, null, Path.of("results"), Path.of("logs"), List.of());
		List<Cell> plan = BenchmarkSuite.plan(options);
		assertThat(ids(plan)).containsExactly("e2e-lock-cycle/lettuce", "e2e-lock-cycle/annotated",
				"e2e-cache-hit/lettuce", "e2e-cache-hit/annotated");
		assertThat(ids(BenchmarkSuite.inPass(plan, 1))).isEqualTo(ids(plan));
		assertThat(ids(BenchmarkSuite.inPass(plan, 2))).containsExactly("e2e-lock-cycle/annotated",
				"e2e-lock-cycle/lettuce", "e2e-cache-hit/annotated", "e2e-cache-hit/lettuce");
		assertThat(ids(BenchmarkSuite.inPass(plan, 3))).isEqualTo(ids(plan));
	}

	private static List<String> ids(List<Cell> cells) {
		return cells.stream().map(Cell::id).toList();
	}

}
