package dev.redispatterns.ratelimit;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The answer to one {@code tryAcquire}: allowed or not, with what a client needs to behave (remaining
 * permits, when the limit resets, when to retry). Times are relative to the moment Redis decided, so no
 * client clock is involved.
 */
public final class RateLimitDecision {

	/** Unknown remaining permits (Redis could not be asked). */
	public static final long UNKNOWN = -1;

	private final RateLimitPolicy policy;

	private final RateLimitOutcome outcome;

	private final long remaining;

	private final long resetMillis;

	private final long retryAfterMillis;

	private final long permits;

	private final byte @Nullable [] key;

	private final @Nullable Object refundToken;

	private final @Nullable Throwable failure;

	private final long waitMillis;

	private final boolean local;

	/**
	 * A refusal of {@code permits} under {@code policy} that can pass after {@code retryAfter}, for example to
	 * throw a {@link RateLimitExceededException} from a mocked service in an application's web slice test.
	 * It refunds nothing.
	 */
	public static RateLimitDecision rejected(RateLimitPolicy policy, long permits, Duration retryAfter) {
		long millis = retryAfter.toMillis();
		return new RateLimitDecision(policy, RateLimitOutcome.REJECTED, permits, 0, millis, millis, null, null);
	}

	RateLimitDecision(RateLimitPolicy policy, RateLimitOutcome outcome, long permits, long remaining, long resetMillis,
			long retryAfterMillis, byte @Nullable [] key, @Nullable Object refundToken) {
		this(policy, outcome, permits, remaining, resetMillis, retryAfterMillis, key, refundToken, null);
	}

	RateLimitDecision(RateLimitPolicy policy, RateLimitOutcome outcome, long permits, long remaining, long resetMillis,
			long retryAfterMillis, byte @Nullable [] key, @Nullable Object refundToken, @Nullable Throwable failure) {
		this(policy, outcome, permits, remaining, resetMillis, retryAfterMillis, key, refundToken, failure, 0);
	}

	RateLimitDecision(RateLimitPolicy policy, RateLimitOutcome outcome, long permits, long remaining, long resetMillis,
			long retryAfterMillis, byte @Nullable [] key, @Nullable Object refundToken, @Nullable Throwable failure,
			long waitMillis) {
		this(policy, outcome, permits, remaining, resetMillis, retryAfterMillis, key, refundToken, failure, waitMillis,
				false);
	}

	private RateLimitDecision(RateLimitPolicy policy, RateLimitOutcome outcome, long permits, long remaining,
			long resetMillis, long retryAfterMillis, byte @Nullable [] key, @Nullable Object refundToken,
			@Nullable Throwable failure, long waitMillis, boolean local) {
		this.local = local;
		this.waitMillis = waitMillis;
		this.policy = policy;
		this.outcome = outcome;
		this.permits = permits;
		this.remaining = remaining;
		this.resetMillis = resetMillis;
		this.retryAfterMillis = retryAfterMillis;
		this.key = key;
		this.refundToken = refundToken;
		this.failure = failure;
	}

	/** A refusal this instance gave without asking Redis, as Redis refused the key until a later time. */
	static RateLimitDecision localRejection(RateLimitPolicy policy, long permits, long remaining, long resetMillis,
			long retryAfterMillis) {
		return new RateLimitDecision(policy, RateLimitOutcome.REJECTED, permits, remaining, resetMillis,
				retryAfterMillis, null, null, null, 0, true);
	}

	public boolean isAllowed() {
		return this.outcome.isAllowed();
	}

	public RateLimitOutcome outcome() {
		return this.outcome;
	}

	/** The policy as it applied to this call: its tier's settings and any override included. */
	public RateLimitPolicy policy() {
		return this.policy;
	}

	/** The tier whose settings applied, {@code null} for the policy's own settings. */
	public @Nullable String tier() {
		return this.policy.tier();
	}

	/** Permits asked for. */
	public long permits() {
		return this.permits;
	}

	/** Permits per window (token bucket: capacity). */
	public long limit() {
		return this.policy.limit();
	}

	/**
	 * Permits left after this decision, or {@link #UNKNOWN} when Redis could not be asked; zero for permits
	 * reserved ahead ({@link #waitTime()}).
	 */
	public long remaining() {
		return this.remaining;
	}

	/** Time until the limit is fully available again (the window ends, the bucket is full). */
	public Duration resetAfter() {
		return Duration.ofMillis(Math.max(0, this.resetMillis));
	}

	/**
	 * For a refused request, the time after which the same request can succeed if nobody else takes the
	 * permits first; zero when allowed. {@code null} when it can never succeed (more permits than the limit)
	 * or nothing is known (Redis unreachable).
	 */
	public @Nullable Duration retryAfter() {
		if (this.retryAfterMillis < 0) {
			return null;
		}
		return Duration.ofMillis(this.retryAfterMillis);
	}

	/**
	 * For permits granted to a caller that may wait: how far ahead they were reserved, i.e. how long the
	 * caller waits before using them; zero for permits available at once.
	 */
	public Duration waitTime() {
		return Duration.ofMillis(this.waitMillis);
	}

	long waitMillis() {
		return this.waitMillis;
	}

	/** Whether the numbers come from a limiter (Redis or the local fallback) rather than being unknown. */
	public boolean isKnown() {
		return this.remaining != UNKNOWN;
	}

	/** Why Redis could not be asked, for degraded outcomes. */
	/**
	 * Whether this refusal was given without a round trip: Redis had refused the key until a time not yet
	 * reached (see {@code redis.patterns.rate-limit.local-rejections}).
	 */
	public boolean isLocal() {
		return this.local;
	}

	long retryAfterMillis() {
		return this.retryAfterMillis;
	}

	public @Nullable Throwable failure() {
		return this.failure;
	}

	byte @Nullable [] key() {
		return this.key;
	}

	@Nullable Object refundToken() {
		return this.refundToken;
	}

	@Override
	public String toString() {
		return "RateLimitDecision[" + this.policy.name() + ": " + this.outcome.tagValue() + ", remaining "
				+ this.remaining + ", reset " + this.resetMillis + "ms, retry-after " + this.retryAfterMillis + "ms"
				+ ((this.waitMillis > 0) ? ", wait " + this.waitMillis + "ms]" : "]");
	}

}
