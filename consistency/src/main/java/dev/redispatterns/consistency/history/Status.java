package dev.redispatterns.consistency.history;

/** How an operation ended, as the driver saw it. */
public enum Status {

	/** Completed; its value is what the application answered. */
	OK,

	/** Failed for certain: the application answered an error, so the operation had no effect it reports. */
	FAIL,

	/** No answer in time (a frozen JVM, a lost connection): it may or may not have taken effect. */
	UNKNOWN

}
