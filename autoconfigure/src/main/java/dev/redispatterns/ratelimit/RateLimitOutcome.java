package dev.redispatterns.ratelimit;

/**
 * How a decision came about. The metric tag {@code outcome} is {@link #tagValue()}.
 */
public enum RateLimitOutcome {

	/** Redis granted the permits. */
	ALLOWED(true),

	/** Redis refused: over the limit. */
	REJECTED(false),

	/** Redis could not be reached and the policy fails open. */
	ERROR_OPEN(true),

	/** Redis could not be reached and the policy fails closed. */
	ERROR_CLOSED(false),

	/** Redis could not be reached; the local fallback limiter granted the permits. */
	FALLBACK_ALLOWED(true),

	/** Redis could not be reached; the local fallback limiter refused. */
	FALLBACK_REJECTED(false);

	private final boolean allowed;

	private final String tagValue;

	RateLimitOutcome(boolean allowed) {
		this.allowed = allowed;
		this.tagValue = name().toLowerCase(java.util.Locale.ROOT);
	}

	public boolean isAllowed() {
		return this.allowed;
	}

	/** Whether Redis was unreachable when this was decided. */
	public boolean isDegraded() {
		return this != ALLOWED && this != REJECTED;
	}

	/** Lower-case name, for example {@code error_open}. */
	public String tagValue() {
		return this.tagValue;
	}

}
