package dev.redispatterns.lock;

import java.time.Duration;
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
public record LockPolicy(Duration waitTime, @Nullable Duration leaseTime, LockRequest.Fairness fairness) {

	public LockPolicy(Duration waitTime, @Nullable Duration leaseTime) {
		this(waitTime, leaseTime, LockRequest.Fairness.DEFAULT);
	}

	public LockPolicy {
		Objects.requireNonNull(waitTime, "waitTime");
		Objects.requireNonNull(fairness, "fairness");
	}

}
