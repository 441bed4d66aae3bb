package dev.redispatterns.ratelimit;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Programmatic rate limiting, for code that is not annotation-shaped: filters, message consumers,
 * gateways. A decision is one Redis round trip; policies are the ones configured under
 * {@code redis.patterns.rate-limit.policies}.
 */
public interface RateLimiter {

	/**
	 * Takes {@code permits} from the bucket {@code key} of {@code policy} if they are available. Never throws
	 * for an outage: the decision then follows the policy's fail-open setting or its local fallback.
	 * @throws IllegalArgumentException if no such policy exists or {@code permits} is below 1
	 */
	RateLimitDecision tryAcquire(String policy, String key, long permits);

	/** {@link #tryAcquire(String, String, long)} for one permit. */
	default RateLimitDecision tryAcquire(String policy, String key) {
		return tryAcquire(policy, key, 1);
	}

	/**
	 * Checks several limits for one call, for example per user and global, all or nothing: the limits are
	 * taken in order, and when one refuses, the permits already granted by the earlier ones are given back,
	 * so a refused call consumes nothing. Returns the decisions made, the refusing one last.
	 */
	List<RateLimitDecision> tryAcquireAll(List<RateLimitRequest> requests);

	/** {@link #tryAcquire(String, String, long)} without blocking the calling thread. */
	CompletableFuture<RateLimitDecision> tryAcquireAsync(String policy, String key, long permits);

	/** {@link #tryAcquireAll(List)} without blocking the calling thread. */
	CompletableFuture<List<RateLimitDecision>> tryAcquireAllAsync(List<RateLimitRequest> requests);

	/**
	 * Gives back the permits of an allowed decision, for example when the work it guarded was not done.
	 * Best effort: ignored for decisions not made by Redis and when Redis cannot be reached.
	 */
	void refund(RateLimitDecision decision);

	/**
	 * Takes permits or throws: {@link RateLimitExceededException} over the limit,
	 * {@link RateLimitUnavailableException} when Redis is unreachable and the policy fails closed.
	 */
	default RateLimitDecision acquire(String policy, String key, long permits) {
		RateLimitDecision decision = tryAcquire(policy, key, permits);
		if (!decision.isAllowed()) {
			throw exceptionFor(decision, List.of(decision));
		}
		return decision;
	}

	/** The named policy. @throws IllegalArgumentException if there is none */
	RateLimitPolicy policy(String name);

	/** Whether a policy of that name exists. */
	boolean hasPolicy(String name);

	/** Every policy known to the limiter. */
	Collection<RateLimitPolicy> policies();

	/**
	 * Adds a policy at run time, for example one declared inline on {@code @RateLimited}. Registering an
	 * identical policy again is harmless; a different policy under a taken name is refused.
	 * @return the registered policy
	 * @throws IllegalStateException if another policy has that name
	 */
	RateLimitPolicy register(RateLimitPolicy policy);

	/**
	 * The exception for a refused decision: {@link RateLimitUnavailableException} when Redis could not be
	 * asked, {@link RateLimitExceededException} otherwise.
	 */
	static RuntimeException exceptionFor(RateLimitDecision refused, List<RateLimitDecision> decisions) {
		if (refused.outcome() == RateLimitOutcome.ERROR_CLOSED) {
			Throwable failure = refused.failure();
			return (failure != null) ? new RateLimitUnavailableException(refused, failure)
					: new RateLimitUnavailableException(refused);
		}
		return new RateLimitExceededException(refused, decisions);
	}

}
