package dev.redispatterns.ratelimit;

import dev.redispatterns.core.RedisPatternsException;

/**
 * Redis could not be reached and the policy fails closed, so the call was not run. Distinct from
 * {@link RateLimitExceededException}: the client did nothing wrong. In Spring MVC and WebFlux it becomes
 * HTTP 503.
 */
public class RateLimitUnavailableException extends RedisPatternsException {

	private final transient RateLimitDecision decision;

	public RateLimitUnavailableException(RateLimitDecision decision, Throwable cause) {
		super("Rate limit '" + decision.policy().name() + "' cannot be checked: Redis is unreachable and the policy"
				+ " fails closed", cause);
		this.decision = decision;
	}

	public RateLimitUnavailableException(RateLimitDecision decision) {
		super("Rate limit '" + decision.policy().name() + "' cannot be checked: Redis is unreachable and the policy"
				+ " fails closed");
		this.decision = decision;
	}

	public RateLimitDecision decision() {
		return this.decision;
	}

	public String policy() {
		return this.decision.policy().name();
	}

}
