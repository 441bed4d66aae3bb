package dev.redispatterns.lock;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Defaults of {@link DistributedLock} methods that do not set them on the annotation: a shared policy
 * with per-name overrides, resolved once at start-up.
 *
 * @param waitTime longest wait for the lock
 * @param leaseTime fixed lease, or {@code null} for watchdog renewal
 * @param fairness hand-off of the lock; {@code DEFAULT} follows the lock manager
 */
public record LockPolicy(Duration waitTime, @Nullable Duration leaseTime, LockOptions.Fairness fairness) {

	public LockPolicy(Duration waitTime, @Nullable Duration leaseTime) {
		this(waitTime, leaseTime, LockOptions.Fairness.DEFAULT);
	}

	public LockPolicy {
		Objects.requireNonNull(waitTime, "waitTime");
		Objects.requireNonNull(fairness, "fairness");
	}

	/** Policies by lock name (the annotation's {@code name}), falling back to {@code defaults}. */
	@FunctionalInterface
	public interface Lookup {

		LockPolicy policy(String name);

		static Lookup of(LockPolicy defaults, Map<String, LockPolicy> byName) {
			Map<String, LockPolicy> copy = Map.copyOf(byName);
			return (name) -> copy.getOrDefault(name, defaults);
		}

	}

}
