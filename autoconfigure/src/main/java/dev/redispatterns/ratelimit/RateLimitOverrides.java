package dev.redispatterns.ratelimit;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Changes the settings of rate-limit policies at run time, for the whole policy or for one key (a
 * customer given a higher limit, an abusive client throttled, a partner's quota lowered during an
 * incident). Overrides are kept in Redis: every instance applies them within a second, they survive
 * restarts of the application, and an expiry removes them by itself.
 * <p>
 * Precedence, most specific first: the key's override, the policy's override, the call's tier, the
 * policy. An override changes only the settings it names, so a policy-wide {@code limit} override keeps
 * each tier's window.
 */
public interface RateLimitOverrides {

	/**
	 * Sets or replaces the override of a whole policy.
	 * @throws IllegalArgumentException if there is no such policy or the override names no setting it has
	 * @throws IllegalStateException if the bounded number of overrides is reached
	 */
	default void set(String policy, RateLimitOverride override) {
		set(policy, null, override);
	}

	/**
	 * Sets or replaces the override of one key of a policy ({@code key} {@code null}: the whole policy).
	 * @throws IllegalArgumentException if there is no such policy or the override names no setting it has
	 * @throws IllegalStateException if the bounded number of overrides is reached
	 */
	void set(String policy, @Nullable String key, RateLimitOverride override);

	/** Removes the override of a whole policy; returns whether there was one. */
	default boolean clear(String policy) {
		return clear(policy, null);
	}

	/** Removes the override of one key of a policy ({@code null}: the whole policy); returns whether there was one. */
	boolean clear(String policy, @Nullable String key);

	/** The overrides in force, as this instance applies them now. */
	List<Entry> list();

	/**
	 * One override in force.
	 *
	 * @param policy the policy name
	 * @param key the key it applies to, {@code null} for the whole policy
	 * @param override the settings it changes
	 * @param expiresIn time until it expires, {@code null} when it lasts until cleared
	 */
	record Entry(String policy, @Nullable String key, RateLimitOverride override, @Nullable Duration expiresIn) {

	}

}
