package dev.redispatterns.lock;

import java.time.Duration;
import java.util.Objects;

/**
 * Engine settings of a {@link RedisLockManager}, fixed at construction.
 *
 * @param watchdogLease lease taken by locks without a lease time and renewed while they are held
 * @param watchdogInterval time between renewals; shorter than the lease (a third of it by default)
 * @param pollInterval longest time a waiter sleeps before asking Redis again when no release signal
 * arrives (signals are lost while the pub/sub connection is down)
 * @param fencingCounterTtl life of a lock name's fencing counter after its last acquisition
 * @param replicaAcks replicas that must confirm each acquisition ({@code WAIT}) before it counts; 0 off
 * @param replicaAckTimeout longest wait for those confirmations
 * @param interruptOnLoss whether a lost lease interrupts the thread running the guarded method
 * @param fair whether exclusive locks go to their waiters in arrival order across instances (the default);
 * when not, a release hands the lock to a waiter of the same instance first, in one round trip, at most
 * {@link #LOCAL_HAND_OFFS} times in a row while waiters of other instances are queued
 */
public record LockManagerSettings(Duration watchdogLease, Duration watchdogInterval, Duration pollInterval,
		Duration fencingCounterTtl, int replicaAcks, Duration replicaAckTimeout, boolean interruptOnLoss,
		boolean fair) {

	/**
	 * Non-fair mode: how many times in a row an instance hands a lock to its own waiters while waiters of
	 * other instances are queued, before the next release serves them.
	 */
	public static final int LOCAL_HAND_OFFS = 16;

	/** Fair settings, as before the fairness setting existed. */
	public LockManagerSettings(Duration watchdogLease, Duration watchdogInterval, Duration pollInterval,
			Duration fencingCounterTtl, int replicaAcks, Duration replicaAckTimeout, boolean interruptOnLoss) {
		this(watchdogLease, watchdogInterval, pollInterval, fencingCounterTtl, replicaAcks, replicaAckTimeout,
				interruptOnLoss, true);
	}

	public LockManagerSettings {
		Objects.requireNonNull(watchdogLease, "watchdogLease");
		Objects.requireNonNull(watchdogInterval, "watchdogInterval");
		Objects.requireNonNull(pollInterval, "pollInterval");
		Objects.requireNonNull(fencingCounterTtl, "fencingCounterTtl");
		Objects.requireNonNull(replicaAckTimeout, "replicaAckTimeout");
		requirePositive("watchdogLease", watchdogLease);
		requirePositive("watchdogInterval", watchdogInterval);
		requirePositive("pollInterval", pollInterval);
		requirePositive("fencingCounterTtl", fencingCounterTtl);
		requirePositive("replicaAckTimeout", replicaAckTimeout);
		if (watchdogInterval.compareTo(watchdogLease) >= 0) {
			throw new IllegalArgumentException(
					"watchdogInterval (" + watchdogInterval + ") must be shorter than watchdogLease (" + watchdogLease + ")");
		}
		if (replicaAcks < 0) {
			throw new IllegalArgumentException("replicaAcks must not be negative: " + replicaAcks);
		}
	}

	/** 30 s watchdog lease renewed every 10 s, 1 s fallback poll, 1 h fencing counters, no replica acks. */
	public static LockManagerSettings defaults() {
		return new LockManagerSettings(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(1),
				Duration.ofHours(1), 0, Duration.ofMillis(500), false, true);
	}

	/** A new watchdog lease, renewed at a third of it. */
	public LockManagerSettings withWatchdogLease(Duration lease) {
		return new LockManagerSettings(lease, lease.dividedBy(3), this.pollInterval, this.fencingCounterTtl, this.replicaAcks,
				this.replicaAckTimeout, this.interruptOnLoss, this.fair);
	}

	public LockManagerSettings withWatchdogInterval(Duration interval) {
		return new LockManagerSettings(this.watchdogLease, interval, this.pollInterval, this.fencingCounterTtl,
				this.replicaAcks, this.replicaAckTimeout, this.interruptOnLoss, this.fair);
	}

	public LockManagerSettings withPollInterval(Duration pollInterval) {
		return new LockManagerSettings(this.watchdogLease, this.watchdogInterval, pollInterval, this.fencingCounterTtl,
				this.replicaAcks, this.replicaAckTimeout, this.interruptOnLoss, this.fair);
	}

	public LockManagerSettings withFencingCounterTtl(Duration ttl) {
		return new LockManagerSettings(this.watchdogLease, this.watchdogInterval, this.pollInterval, ttl, this.replicaAcks,
				this.replicaAckTimeout, this.interruptOnLoss, this.fair);
	}

	public LockManagerSettings withReplicaAcks(int replicas, Duration timeout) {
		return new LockManagerSettings(this.watchdogLease, this.watchdogInterval, this.pollInterval, this.fencingCounterTtl,
				replicas, timeout, this.interruptOnLoss, this.fair);
	}

	public LockManagerSettings withInterruptOnLoss(boolean interrupt) {
		return new LockManagerSettings(this.watchdogLease, this.watchdogInterval, this.pollInterval, this.fencingCounterTtl,
				this.replicaAcks, this.replicaAckTimeout, interrupt, this.fair);
	}

	/** Fair (the default) or non-fair hand-off of exclusive locks; see {@link #fair()}. */
	public LockManagerSettings withFair(boolean fair) {
		return new LockManagerSettings(this.watchdogLease, this.watchdogInterval, this.pollInterval, this.fencingCounterTtl,
				this.replicaAcks, this.replicaAckTimeout, this.interruptOnLoss, fair);
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.toMillis() < 1) {
			throw new IllegalArgumentException(name + " must be at least 1 ms: " + value);
		}
	}

}
