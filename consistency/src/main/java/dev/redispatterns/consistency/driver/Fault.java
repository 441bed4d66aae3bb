package dev.redispatterns.consistency.driver;

/**
 * One fault of the schedule: how to inject it and how to heal it. {@link #inject()} may block for the
 * fault's whole length (a repeated action such as cutting connections every 300 ms); {@link #heal()} ends it.
 *
 * @param name its name in the report
 * @param target what it hits
 * @param millis how long it lasts
 * @param redisSide whether the applications lose Redis, or part of it, meanwhile
 * @param losesState whether acknowledged Redis writes may be lost
 */
record Fault(String name, String target, long millis, boolean redisSide, boolean losesState, Action inject,
		Action heal) {

	@FunctionalInterface
	interface Action {

		void run() throws Exception;

	}

}
