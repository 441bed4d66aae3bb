package dev.redispatterns.consistency.history;

/**
 * One operation the driver sent to an application: which process ran it, when it was invoked and when its
 * answer arrived (nanoseconds on the driver's monotonic clock since the run started), and its outcome.
 *
 * @param id unique in the run
 * @param pattern {@code cache}, {@code ratelimit}, {@code lock}, {@code stream}, {@code queue}, {@code session}
 * @param process the application that ran it ({@code app1}, ...)
 * @param type the operation ({@code read}, {@code put}, {@code fw}, {@code cs}, {@code publish}, ...)
 * @param key what it is about (cache key, rate-limit key, lock name, message id, user)
 * @param invoke when the driver sent it
 * @param complete when the driver had its answer ({@link Long#MAX_VALUE} while unknown)
 * @param status how it ended
 * @param value what the application answered (a version, an outcome, a token, ...)
 * @param detail anything else (e.g. the session a request carried)
 */
public record Op(long id, String pattern, String process, String type, String key, long invoke, long complete,
		Status status, String value, String detail) {

	/** Whether it completed with an answer. */
	public boolean ok() {
		return this.status == Status.OK;
	}

	/** The end of the interval in which it may have taken effect. */
	public long effectiveComplete() {
		return (this.status == Status.UNKNOWN) ? Long.MAX_VALUE : this.complete;
	}

	/** One line for reports: {@code #12 app2 cache read k3 [1.234 s .. 1.240 s] OK 7}. */
	public String describe() {
		return "#" + this.id + " " + this.process + " " + this.pattern + " " + this.type + " " + this.key + " ["
				+ Times.seconds(this.invoke) + " .. "
				+ ((this.complete == Long.MAX_VALUE) ? "?" : Times.seconds(this.complete)) + "] " + this.status
				+ (this.value.isEmpty() ? "" : " " + this.value) + (this.detail.isEmpty() ? "" : " (" + this.detail + ")");
	}

}
