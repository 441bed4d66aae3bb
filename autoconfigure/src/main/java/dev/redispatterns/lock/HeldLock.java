package dev.redispatterns.lock;

import java.time.Duration;

/**
 * A lock this instance holds, as diagnostics show it: never the owner token, which would let a reader
 * release or renew the lock.
 *
 * @param name the lock's name (for example the evaluated key)
 * @param type exclusive, read, write or permit
 * @param metricName the bounded name the metrics use
 * @param fencingToken the acquisition's fencing token
 * @param heldFor time since it was acquired
 * @param renewals lease renewals so far
 * @param watchdog whether the watchdog renews the lease (no fixed lease time)
 * @param leaseRemaining time until the lease runs out unless renewed, by this client's conservative clock
 */
public record HeldLock(String name, LockType type, String metricName, long fencingToken, Duration heldFor,
		int renewals, boolean watchdog, Duration leaseRemaining) {

}
