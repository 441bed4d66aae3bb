package dev.redispatterns.autoconfigure.lock;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Distributed lock settings.
 */
@ConfigurationProperties("redis.patterns.lock")
public class RedisPatternsLockProperties {

	/**
	 * Whether distributed locks (the lock manager and @DistributedLock) are enabled.
	 */
	private boolean enabled = true;

	/**
	 * Longest time a @DistributedLock method waits for its lock when neither the annotation nor the lock's
	 * own settings say otherwise. Methods with skipIfLocked do not wait unless told to.
	 */
	private Duration defaultWaitTime = Duration.ofSeconds(5);

	/**
	 * Fixed lease of @DistributedLock locks when neither the annotation nor the lock's own settings set
	 * one. Unset means the watchdog keeps a short lease alive for as long as the method runs.
	 */
	private @Nullable Duration defaultLeaseTime;

	/**
	 * Longest time a waiter sleeps before asking Redis again when no release signal arrives. Waiters are
	 * normally woken by the release itself; this only bounds the wait when a signal is lost.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * How long a lock name's fencing counter lives after its last acquisition. Once it expired, fencing
	 * tokens continue from the Redis server time, so they still rise unless the server clock steps back by
	 * more than this.
	 */
	private Duration fencingCounterTtl = Duration.ofHours(1);

	/**
	 * Number of replicas that must confirm each acquisition (Redis WAIT) before it counts, so the lock and
	 * its fencing counter survive a failover to one of them. 0 switches confirmation off.
	 */
	private int replicaAcks = 0;

	/**
	 * Longest wait for the replicas' confirmation; an acquisition that is not confirmed in time is released
	 * and fails.
	 */
	private Duration replicaAckTimeout = Duration.ofMillis(500);

	/**
	 * Whether exclusive locks go to their waiters in arrival order across all instances. When false, a
	 * release hands the lock to a waiter of the same instance first (one round trip, a new fencing token),
	 * at most 16 times in a row while waiters of other instances are queued: more hand-offs per second under
	 * contention from several threads per instance, but no arrival order. Not applied with replica-acks.
	 */
	private boolean fair = true;

	private final Watchdog watchdog = new Watchdog();

	/**
	 * Settings per lock name (the name attribute of @DistributedLock, or its key expression), overriding
	 * the defaults.
	 */
	private Map<String, LockPolicyProperties> locks = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getDefaultWaitTime() {
		return this.defaultWaitTime;
	}

	public void setDefaultWaitTime(Duration defaultWaitTime) {
		this.defaultWaitTime = defaultWaitTime;
	}

	public @Nullable Duration getDefaultLeaseTime() {
		return this.defaultLeaseTime;
	}

	public void setDefaultLeaseTime(@Nullable Duration defaultLeaseTime) {
		this.defaultLeaseTime = defaultLeaseTime;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getFencingCounterTtl() {
		return this.fencingCounterTtl;
	}

	public void setFencingCounterTtl(Duration fencingCounterTtl) {
		this.fencingCounterTtl = fencingCounterTtl;
	}

	public int getReplicaAcks() {
		return this.replicaAcks;
	}

	public void setReplicaAcks(int replicaAcks) {
		this.replicaAcks = replicaAcks;
	}

	public Duration getReplicaAckTimeout() {
		return this.replicaAckTimeout;
	}

	public void setReplicaAckTimeout(Duration replicaAckTimeout) {
		this.replicaAckTimeout = replicaAckTimeout;
	}

	public boolean isFair() {
		return this.fair;
	}

	public void setFair(boolean fair) {
		this.fair = fair;
	}

	public Watchdog getWatchdog() {
		return this.watchdog;
	}

	public Map<String, LockPolicyProperties> getLocks() {
		return this.locks;
	}

	public void setLocks(Map<String, LockPolicyProperties> locks) {
		this.locks = locks;
	}

	/**
	 * Renewal of locks that have no fixed lease.
	 */
	public static class Watchdog {

		/**
		 * Lease of locks without a fixed lease time. It is renewed while the holder runs, so it only decides
		 * how soon a lock frees itself after its holder died.
		 */
		private Duration lease = Duration.ofSeconds(30);

		/**
		 * Time between renewals; must be shorter than the lease. Unset means a third of the lease.
		 */
		private @Nullable Duration interval;

		/**
		 * Whether a lost lease interrupts the thread running the @DistributedLock method, so that
		 * interruptible work stops early.
		 */
		private boolean interruptHolder = false;

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public @Nullable Duration getInterval() {
			return this.interval;
		}

		public void setInterval(@Nullable Duration interval) {
			this.interval = interval;
		}

		public boolean isInterruptHolder() {
			return this.interruptHolder;
		}

		public void setInterruptHolder(boolean interruptHolder) {
			this.interruptHolder = interruptHolder;
		}

	}

	/**
	 * Settings of one named lock.
	 */
	public static class LockPolicyProperties {

		/**
		 * Longest time to wait for this lock; unset means the default wait time.
		 */
		private @Nullable Duration waitTime;

		/**
		 * Fixed lease of this lock; unset means the default lease time (or the watchdog).
		 */
		private @Nullable Duration leaseTime;

		/**
		 * Whether this lock goes to its waiters in arrival order; unset means redis.patterns.lock.fair.
		 */
		private @Nullable Boolean fair;

		public @Nullable Boolean getFair() {
			return this.fair;
		}

		public void setFair(@Nullable Boolean fair) {
			this.fair = fair;
		}

		public @Nullable Duration getWaitTime() {
			return this.waitTime;
		}

		public void setWaitTime(@Nullable Duration waitTime) {
			this.waitTime = waitTime;
		}

		public @Nullable Duration getLeaseTime() {
			return this.leaseTime;
		}

		public void setLeaseTime(@Nullable Duration leaseTime) {
			this.leaseTime = leaseTime;
		}

	}

}
