package dev.redispatterns.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Keys Redis refused on this instance, with the time before which it will refuse them again, so that a
 * caller hammering a key costs no round trip until then.
 * <p>
 * Exact because a refusal's retry-after is the earliest time the permits can fit: until then the state
 * only fills up (grants and reservations), and it only empties by time, by a permit given back or by a
 * reset. The local deadline starts when the request was sent, 1 ms short of the reply's retry-after (the
 * scripts round it up), so it never outlasts Redis's own. A refusal applies only to requests of at least as
 * many permits under the same settings (policy variant: tier or override); a refund or reset on this
 * instance forgets the policy's refusals. A refund or reset on another instance is seen here at the
 * deadline at the latest.
 */
final class LocalRejections {

	private static final long MILLI = 1_000_000L;

	private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();

	private final int maxKeys;

	LocalRejections(int maxKeys) {
		this.maxKeys = maxKeys;
	}

	/**
	 * A refusal for the request, or {@code null} when it has to go to Redis.
	 * @param variant the settings the request is decided with
	 */
	@Nullable RateLimitDecision find(Object variant, RateLimitPolicy policy, String key, long permits, long maxWaitMillis,
			long now) {
		if (this.refusals.isEmpty()) {
			return null;
		}
		Refusal refusal = this.refusals.get(key);
		if (refusal == null) {
			return null;
		}
		long left = refusal.until - now;
		if (left <= 0) {
			this.refusals.remove(key, refusal);
			return null;
		}
		if (refusal.variant != variant || permits < refusal.permits || left <= maxWaitMillis * MILLI) {
			return null;
		}
		long retryAfter = (left + MILLI - 1) / MILLI + 1;
		long reset = Math.max(0, (refusal.resetAt - now) / MILLI);
		return RateLimitDecision.localRejection(policy, permits, refusal.remaining, reset, retryAfter);
	}

	/** Remembers a refusal Redis gave to a request sent at {@code sent}. */
	void remember(Object variant, String key, RateLimitDecision decision, long sent) {
		if (decision.outcome() != RateLimitOutcome.REJECTED || decision.isLocal()) {
			return;
		}
		long retryAfter = decision.retryAfterMillis();
		if (retryAfter < 2) {
			return;
		}
		if (this.refusals.size() >= this.maxKeys && !this.refusals.containsKey(key)) {
			long now = System.nanoTime();
			this.refusals.values().removeIf((refusal) -> refusal.until - now <= 0);
			if (this.refusals.size() >= this.maxKeys) {
				return;
			}
		}
		long until = sent + (retryAfter - 1) * MILLI;
		long resetAt = sent + decision.resetAfter().toNanos();
		this.refusals.put(key, new Refusal(variant, decision.permits(), until, decision.remaining(), resetAt));
	}

	void forget(String key) {
		this.refusals.remove(key);
	}

	void clear() {
		this.refusals.clear();
	}

	int size() {
		return this.refusals.size();
	}

	private record Refusal(Object variant, long permits, long until, long remaining, long resetAt) {
	}

}
