package dev.redispatterns.ratelimit;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisPatternsException;

/**
 * A call was over its limit and was not run. Carries the refusing decision (limit, remaining, reset,
 * retry-after) and every decision of the call, so a web layer can describe all the limits that applied.
 * In Spring MVC and WebFlux it becomes HTTP 429. It carries no stack trace: it is an answer, thrown on every
 * refused call, and the decisions say all there is to say.
 */
public class RateLimitExceededException extends RedisPatternsException {

	private final transient RateLimitDecision decision;

	private final transient List<RateLimitDecision> decisions;

	public RateLimitExceededException(RateLimitDecision decision) {
		this(decision, List.of(decision));
	}

	public RateLimitExceededException(RateLimitDecision decision, List<RateLimitDecision> decisions) {
		// a refusal is an answer: no stack trace, and the message is written only if someone reads it
		super(null, null, false);
		this.decision = decision;
		this.decisions = List.copyOf(decisions);
	}

	@Override
	public String getMessage() {
		return "Rate limit '" + this.decision.policy().name() + "' exceeded: limit " + this.decision.limit()
				+ ", remaining " + Math.max(0, this.decision.remaining()) + ", retry after "
				+ ((this.decision.retryAfter() != null) ? this.decision.retryAfter().toMillis() + "ms" : "never");
	}

	/** The decision that refused the call. */
	public RateLimitDecision decision() {
		return this.decision;
	}

	/** Every decision of the call, the refusing one last. */
	public List<RateLimitDecision> decisions() {
		return this.decisions;
	}

	public String policy() {
		return this.decision.policy().name();
	}

	public long limit() {
		return this.decision.limit();
	}

	public long remaining() {
		return Math.max(0, this.decision.remaining());
	}

	public Duration reset() {
		return this.decision.resetAfter();
	}

	/** When to retry; {@code null} when the call can never succeed (it asks for more than the limit). */
	public @Nullable Duration retryAfter() {
		return this.decision.retryAfter();
	}

}
