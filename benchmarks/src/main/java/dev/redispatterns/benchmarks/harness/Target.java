package dev.redispatterns.benchmarks.harness;

import java.util.function.Function;

/**
 * One performance target of the starter (from the project's performance notes and its issues), checked
 * against a run's results and listed in the report as met or missed.
 *
 * @param workload id of the workload (or layer group) the target is about
 * @param text the target as stated
 * @param check measures the target in a run
 */
public record Target(String workload, String text, Function<Results, Verdict> check) {

	/** Whether a target is met in one run, and what was measured. */
	public record Verdict(Status status, String measured) {

		public static Verdict of(boolean met, String measured) {
			return new Verdict(met ? Status.MET : Status.MISSED, measured);
		}

		public static Verdict notMeasured(String why) {
			return new Verdict(Status.NOT_MEASURED, why);
		}

		public static Verdict info(String measured) {
			return new Verdict(Status.INFO, measured);
		}

	}

	/** Outcome of a target check. */
	public enum Status {

		MET("met"), MISSED("**missed**"), NOT_MEASURED("not measured"), INFO("—");

		private final String text;

		Status(String text) {
			this.text = text;
		}

		public String text() {
			return this.text;
		}

	}

}
