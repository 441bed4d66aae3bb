package dev.redispatterns.ratelimit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.ratelimit.RateLimiter;

/**
 * Gives back the permits of the limits that do not count a call's outcome ({@link RateLimited.Count}).
 * The permits were taken before the call, so concurrent calls never run more counted outcomes than the
 * limit; the ones that turn out not to count return to the bucket here.
 */
public final class CountedOutcomes {

	private CountedOutcomes() {
	}

	/** Gives back, waiting for Redis, what a call that succeeded or failed does not count. */
	static void settle(RateLimiter limiter, RateLimitedMethods.Plan plan, List<RateLimitDecision> decisions,
			boolean succeeded) {
		for (int i = 0; i < decisions.size(); i++) {
			if (!counts(plan.count(i), succeeded)) {
				limiter.refund(decisions.get(i));
			}
		}
	}

	/**
	 * Gives back without blocking what an outcome does not count; {@code null} outcome: the call was
	 * cancelled, and only limits counting every call keep their permits.
	 */
	static CompletableFuture<Void> settleAsync(RateLimiter limiter, RateLimitedMethods.Plan plan,
			List<RateLimitDecision> decisions, @org.jspecify.annotations.Nullable Boolean succeeded) {
		List<CompletableFuture<Void>> refunds = new ArrayList<>(decisions.size());
		for (int i = 0; i < decisions.size(); i++) {
			RateLimited.Count count = plan.count(i);
			boolean keep = (succeeded != null) ? counts(count, succeeded) : count == RateLimited.Count.ALL;
			if (!keep) {
				refunds.add(limiter.refundAsync(decisions.get(i)));
			}
		}
		return CompletableFuture.allOf(refunds.toArray(CompletableFuture[]::new));
	}

	/** A future completing like {@code stage}, once the permits its outcome does not count are back. */
	static CompletableFuture<Object> settleWhenDone(RateLimiter limiter, RateLimitedMethods.Plan plan,
			List<RateLimitDecision> decisions, CompletionStage<?> stage) {
		CompletableFuture<Object> settled = new CompletableFuture<>();
		stage.whenComplete((value, failure) -> settleAsync(limiter, plan, decisions, failure == null)
			.whenComplete((ignored, refundFailure) -> {
				if (failure != null) {
					settled.completeExceptionally(failure);
				}
				else {
					settled.complete(value);
				}
			}));
		return settled;
	}

	private static boolean counts(RateLimited.Count count, boolean succeeded) {
		return switch (count) {
			case ALL -> true;
			case FAILURES -> !succeeded;
			case SUCCESSES -> succeeded;
		};
	}

}
