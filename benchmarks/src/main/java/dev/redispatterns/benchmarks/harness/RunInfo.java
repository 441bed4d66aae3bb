package dev.redispatterns.benchmarks.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Facts about one suite run, printed at the top of its report.
 *
 * @param command the command that reproduces the run
 * @param machine cores, CPU, memory, OS
 * @param jdk JVM name and version
 * @param redis server version and how it was provided
 * @param loadBefore load average when the run started
 * @param loadAfter load average when it ended
 * @param started start time
 * @param took wall-clock of the whole run
 * @param libraries versions of the libraries compared
 * @param options the settings
 */
public record RunInfo(String command, String machine, String jdk, String redis, String loadBefore, String loadAfter,
		Instant started, Duration took, Map<String, String> libraries, SuiteOptions options) {
}
