package dev.redispatterns.ratelimit;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Waits until permits reserved ahead are due, blocking or not; a wait given up gives the permits back, as
 * their holder will not use them.
 */
final class DueReservations {

	private final PermitRefunds refunds;

	DueReservations(PermitRefunds refunds) {
		this.refunds = refunds;
	}

	/** Waits until the reserved permits of allowed decisions are due; on interrupt gives them back. */
	void await(List<RateLimitDecision> decisions) {
		long wait = longestWait(decisions);
		if (wait <= 0) {
			return;
		}
		try {
			TimeUnit.MILLISECONDS.sleep(wait);
		}
		catch (InterruptedException ex) {
			// given back before the flag is restored: an interrupted thread cannot wait for Redis
			this.refunds.refundAll(decisions, decisions.size());
			Thread.currentThread().interrupt();
			throw new CancellationException("Interrupted while waiting " + wait + " ms for the permits of rate-limit policy '"
					+ decisions.get(0).policy().name() + "'; they were given back");
		}
	}

	/**
	 * A future completing when the reserved permits of the decisions are due, without holding a thread
	 * meanwhile. Cancelling it, whether before or after Redis decided, gives the permits back.
	 */
	<T> CompletableFuture<T> due(CompletableFuture<List<RateLimitDecision>> decided,
			Function<List<RateLimitDecision>, T> result) {
		CompletableFuture<T> due = new CompletableFuture<>();
		decided.whenComplete((decisions, failure) -> {
			if (failure != null) {
				due.completeExceptionally(failure);
				return;
			}
			RateLimitDecision last = decisions.get(decisions.size() - 1);
			if (last.isAllowed()) {
				due.whenComplete((value, cancelled) -> {
					if (due.isCancelled()) {
						this.refunds.refundAllAsync(decisions, decisions.size());
					}
				});
			}
			long wait = longestWait(decisions);
			if (wait <= 0) {
				due.complete(result.apply(decisions));
			}
			else {
				CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS)
					.execute(() -> due.complete(result.apply(decisions)));
			}
		});
		return due;
	}

	private static long longestWait(List<RateLimitDecision> decisions) {
		long wait = 0;
		for (RateLimitDecision decision : decisions) {
			if (!decision.isAllowed()) {
				return 0;
			}
			wait = Math.max(wait, decision.waitMillis());
		}
		return wait;
	}

}
