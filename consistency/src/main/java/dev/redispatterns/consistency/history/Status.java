package dev.redispatterns.consistency.history;

/** How an operation ended, as the driver saw it. */
public enum Status {

	/** Completed; its value is what the application answered. */
	OK,

	/**
	 * The application answered an error, or could not be reached at all: no answer to go by. (A write may
	 * still have happened before the error; the checkers treat it as possibly effective.)
	 */
	FAIL,

	/** No answer in time (a frozen JVM, a lost connection): it may or may not have taken effect. */
	UNKNOWN

}
