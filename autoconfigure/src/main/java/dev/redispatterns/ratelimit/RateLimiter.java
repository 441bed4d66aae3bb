package dev.redispatterns.ratelimit;

import java.time.Duration;
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
	 * {@link #tryAcquire(String, String, long)} with the request's tier, waiting up to its
	 * {@link RateLimitRequest#maxWait() maxWait} for the permits (see {@link #tryAcquireAll(List)}).
	 */
	default RateLimitDecision tryAcquire(RateLimitRequest request) {
		return tryAcquireAll(List.of(request)).get(0);
	}

	/**
	 * Checks several limits for one call, for example per user and global, all or nothing: the limits are
	 * taken in order, and when one refuses, the permits already granted by the earlier ones are given back,
	 * so a refused call consumes nothing. Returns the decisions made, the refusing one last.
	 * <p>
	 * A request with a {@link RateLimitRequest#maxWait() maxWait} that cannot have its permits now has them
	 * reserved at the earliest time they fit, if that is within its wait, and this method returns once the
	 * last reservation is due (callers that wait are served in the order they asked). When the permits
	 * cannot fit within the wait, or can never fit, the request is refused at once, without waiting.
	 */
	List<RateLimitDecision> tryAcquireAll(List<RateLimitRequest> requests);

	/** {@link #tryAcquire(String, String, long)} without blocking the calling thread. */
	CompletableFuture<RateLimitDecision> tryAcquireAsync(String policy, String key, long permits);

	/** {@link #tryAcquire(RateLimitRequest)} without blocking the calling thread, waiting included. */
	default CompletableFuture<RateLimitDecision> tryAcquireAsync(RateLimitRequest request) {
		return tryAcquireAllAsync(List.of(request)).thenApply((decisions) -> decisions.get(0));
	}

	/**
	 * {@link #tryAcquireAll(List)} without blocking the calling thread: a wait for reserved permits is a
	 * delayed completion. Cancelling the future while it waits gives the reserved permits back.
	 */
	CompletableFuture<List<RateLimitDecision>> tryAcquireAllAsync(List<RateLimitRequest> requests);

	/**
	 * Gives back the permits of an allowed decision, for example when the work it guarded was not done.
	 * Best effort: ignored for decisions not made by Redis and when Redis cannot be reached.
	 */
	void refund(RateLimitDecision decision);

	/** {@link #refund(RateLimitDecision)} without blocking the calling thread; the future never fails. */
	default CompletableFuture<Void> refundAsync(RateLimitDecision decision) {
		refund(decision);
		return CompletableFuture.completedFuture(null);
	}

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

	/**
	 * Takes permits, waiting up to {@code maxWait} for them (for example to throttle calls to a partner's
	 * API), or throws: {@link RateLimitExceededException} at once when they cannot be had within
	 * {@code maxWait} or can never fit, {@link RateLimitUnavailableException} when Redis is unreachable and
	 * the policy fails closed. Waiting uses the time Redis reserved the permits for, not polling; callers
	 * that wait are served in the order they asked, so none starves under steady load.
	 */
	default RateLimitDecision acquire(String policy, String key, long permits, Duration maxWait) {
		RateLimitDecision decision = tryAcquire(new RateLimitRequest(policy, key, permits).withMaxWait(maxWait));
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
