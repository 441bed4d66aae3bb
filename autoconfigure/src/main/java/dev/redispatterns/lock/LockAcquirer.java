package dev.redispatterns.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.connection.ReturnType;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.lock.LockListener.Outcome;
import dev.redispatterns.lock.LockNotAcquiredException.Reason;
import dev.redispatterns.lock.ReplicaAcknowledgement.InsufficientReplicasException;

/**
 * The acquisition state machine of a {@link RedisLockManager}: a first attempt, then queueing up in Redis
 * and waiting for a release signal or a poll (see the manager for the protocol), the instance's local
 * hand-off in non-fair mode, and the clean-up of attempts whose outcome is unknown.
 */
final class LockAcquirer {

	/** Logged under the manager's name, which applications configure. */
	private static final Log logger = LogFactory.getLog(RedisLockManager.class);

	private static final long SIGNAL_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	private static final byte[] ZERO = ScriptExecutor.arg(0);

	/** The handles' way back to their manager. */
	private final RedisLockManager manager;

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final @Nullable RedisSignals signals;

	private final LockManagerSettings settings;

	private final LockListener listener;

	private final PatternObservations observations;

	private final @Nullable ReplicaAcknowledgement replicas;

	private final LocalHandOffs handOffs;

	private final HeldLocks held;

	private final LockTokens tokens = new LockTokens();

	private final long watchdogLeaseMillis;

	private final byte[] watchdogLeaseBytes;

	private final long pollNanos;

	/** How long a waiter's place in the queue lasts without a refresh; also the claim lease of a hand-over. */
	final long registrationMillis;

	final byte[] fenceTtl;

	LockAcquirer(RedisLockManager manager, RedisConnector connector, ScriptExecutor scripts,
			@Nullable RedisSignals signals, LockManagerSettings settings, LockListener listener,
			PatternObservations observations, @Nullable ReplicaAcknowledgement replicas, LocalHandOffs handOffs,
			HeldLocks held) {
		this.manager = manager;
		this.connector = connector;
		this.scripts = scripts;
		this.signals = signals;
		this.settings = settings;
		this.listener = listener;
		this.observations = observations;
		this.replicas = replicas;
		this.handOffs = handOffs;
		this.held = held;
		this.watchdogLeaseMillis = settings.watchdogLease().toMillis();
		this.watchdogLeaseBytes = ScriptExecutor.arg(this.watchdogLeaseMillis);
		this.pollNanos = settings.pollInterval().toNanos();
		this.registrationMillis = 2 * settings.pollInterval().toMillis() + connector.commandTimeout().toMillis();
		this.fenceTtl = ScriptExecutor.arg(settings.fencingCounterTtl().toMillis());
	}

	/**
	 * The acquisition loop. Returns the handle, or {@code null} (or throws when {@code raise}) when the lock
	 * could not be had.
	 */
	@Nullable LockHandle acquire(LockTarget target, LockRequest options, boolean raise) {
		if (!this.observations.isActive()) {
			return acquire(target, options, raise, null);
		}
		Observation observation = this.observations.start(RedisPatternsObservation.LOCK_ACQUIRE,
				options.metricName(), target.type.id(), target.name);
		try {
			return acquire(target, options, raise, observation);
		}
		catch (LockNotAcquiredException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			PatternObservations.stop(observation, "failure", ex);
			throw ex;
		}
	}

	private @Nullable LockHandle acquire(LockTarget target, LockRequest options, boolean raise,
			@Nullable Observation observation) {
		long started = System.nanoTime();
		if (Thread.currentThread().isInterrupted()) {
			return failed(observation, target, options, Reason.INTERRUPTED, started, null, raise);
		}
		try {
			this.connector.requireConnected();
		}
		catch (RedisUnavailableException ex) {
			return failed(observation, target, options, Reason.UNAVAILABLE, started, ex, raise);
		}
		Acquisition acquisition = new Acquisition(target, options, started, observation);
		LocalHandOffs.Entry entry = nonFair(target, options)
				? this.handOffs.enter(target.name, acquisition.tokenBytes, acquisition.leaseMillis) : null;
		LockHandle handle = null;
		try {
			handle = acquisition.acquire(entry, raise);
			return handle;
		}
		catch (InsufficientReplicasException ex) {
			abandon(target, acquisition.tokenBytes);
			return failed(observation, target, options, Reason.REPLICAS, started, ex, raise);
		}
		catch (RedisUnavailableException ex) {
			abandon(target, acquisition.tokenBytes);
			// a caller interrupted while Redis decides is told so, with its interrupt kept; Redis is not down
			Reason reason = (ex.getCause() instanceof InterruptedException) ? Reason.INTERRUPTED : Reason.UNAVAILABLE;
			return failed(observation, target, options, reason, started, ex, raise);
		}
		finally {
			acquisition.close();
			if (entry != null && handle == null && acquisition.contending) {
				this.handOffs.leave(entry.gate());
			}
		}
	}

	/** Whether this acquisition passes through the instance's local hand-off (non-fair mode). */
	private boolean nonFair(LockTarget target, LockRequest options) {
		// confirmed acquisitions (WAIT) stay on the fair path: a local pass is not confirmed by replicas
		return target.type == LockType.EXCLUSIVE && this.replicas == null
				&& (options.fairness() == LockRequest.Fairness.NON_FAIR
						|| (options.fairness() == LockRequest.Fairness.DEFAULT && !this.settings.fair()));
	}

	/** One caller's way to a lock: a first attempt, then queueing up and waiting for a signal or a poll. */
	private final class Acquisition {

		private final LockTarget target;

		private final LockRequest options;

		private final long started;

		private final String token;

		final byte[] tokenBytes;

		private final boolean watchdogLease;

		final long leaseMillis;

		private final byte[] leaseBytes;

		/** Non-fair mode: the gate this caller passed, handed on to its handle. */
		private LocalHandOffs.@Nullable Gate gate;

		/** Non-fair mode: whether this caller is its instance's contender for the lock in Redis. */
		boolean contending;

		private @Nullable Waiter waiter;

		/** When the latest attempt was sent: a lease granted by or after it cannot have started earlier. */
		private long sent;

		private @Nullable RedisUnavailableException lastFailure;

		private final @Nullable Observation observation;

		Acquisition(LockTarget target, LockRequest options, long started, @Nullable Observation observation) {
			this.observation = observation;
			this.target = target;
			this.options = options;
			this.started = started;
			this.token = LockAcquirer.this.tokens.next();
			this.tokenBytes = LockTarget.bytes(this.token);
			Duration lease = options.leaseTime();
			this.watchdogLease = lease == null;
			this.leaseMillis = (lease != null) ? lease.toMillis() : LockAcquirer.this.watchdogLeaseMillis;
			this.leaseBytes = (lease != null) ? ScriptExecutor.arg(this.leaseMillis)
					: LockAcquirer.this.watchdogLeaseBytes;
		}

		/** Non-fair mode first waits in the instance's gate (unless it is the contender), then goes to Redis. */
		@Nullable LockHandle acquire(LocalHandOffs.@Nullable Entry entry, boolean raise) {
			if (entry != null) {
				this.gate = entry.gate();
				LocalHandOffs.Local local = entry.local();
				if (local != null) {
					long deadline = this.started + saturatedNanos(this.options.waitTime());
					int outcome = LockAcquirer.this.handOffs.await(local, deadline);
					if (outcome == LocalHandOffs.PASSED) {
						this.sent = local.sent;
						return held(local.fence, this.leaseMillis);
					}
					if (outcome == LocalHandOffs.CANCELLED) {
						this.gate = null;
						return failed(this.observation, this.target, this.options,
								Thread.currentThread().isInterrupted() ? Reason.INTERRUPTED : Reason.TIMEOUT, this.started,
								null, raise);
					}
				}
				this.contending = true;
			}
			return run(raise);
		}

		@Nullable LockHandle run(boolean raise) {
			long waitNanos = saturatedNanos(this.options.waitTime());
			long deadline = this.started + waitNanos;
			RedisSignals signals = LockAcquirer.this.signals;
			long registration = LockAcquirer.this.registrationMillis;
			// a channel that is subscribed already (other waiters, recent use) costs no round trip: queue at once
			if (waitNanos > 0 && signals != null && signals.isSubscribed(this.target.channel)
					&& (this.target.grantChannel == null || signals.isSubscribed(this.target.grantChannel))) {
				this.waiter = subscribe(this.target, this.token);
			}
			long reply = attempt((this.waiter != null && this.waiter.isSubscribed()) ? registration : 0);
			if (reply > 0) {
				return held(reply, this.leaseMillis);
			}
			if (waitNanos == 0) {
				return failed(this.observation, this.target, this.options, Reason.TIMEOUT, this.started, null, raise);
			}
			Waiter waiting = this.waiter;
			if (waiting == null) {
				waiting = subscribe(this.target, this.token);
				this.waiter = waiting;
				reply = tolerantAttempt(registration);
				if (reply > 0) {
					return held(reply, this.leaseMillis);
				}
			}
			while (true) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return giveUp(raise);
				}
				long nap = Math.min(remaining, LockAcquirer.this.pollNanos);
				long hint = TimeUnit.MILLISECONDS.toNanos(-1 - reply);
				if (hint > 0) {
					nap = Math.min(nap, hint + SIGNAL_MARGIN_NANOS);
				}
				boolean signalled = waiting.await(nap);
				if (Thread.currentThread().isInterrupted()) {
					abandon(this.target, this.tokenBytes);
					return failed(this.observation, this.target, this.options, Reason.INTERRUPTED, this.started, null,
							raise);
				}
				long granted = waiting.grantedFence();
				if (signalled && granted > 0) {
					return handedOver(granted, raise);
				}
				reply = tolerantAttempt(registration);
				if (reply > 0) {
					return held(reply, this.leaseMillis);
				}
			}
		}

		/** The wait is over: one last attempt that also leaves the queue, so a hand-over in flight is not lost. */
		private @Nullable LockHandle giveUp(boolean raise) {
			long reply = attempt(-1);
			if (reply > 0) {
				return held(reply, this.leaseMillis);
			}
			RedisUnavailableException failure = this.lastFailure;
			return failed(this.observation, this.target, this.options,
					(failure != null) ? Reason.UNAVAILABLE : Reason.TIMEOUT, this.started, failure, raise);
		}

		/**
		 * The release handed the lock to this waiter, with a claim lease that the watchdog extends. With
		 * replica acknowledgement the hand-over is confirmed like any acquisition (the idempotent acquire path
		 * refreshes the lease, then {@code WAIT}).
		 */
		private @Nullable LockHandle handedOver(long fence, boolean raise) {
			if (LockAcquirer.this.replicas == null) {
				return held(fence, Math.min(this.leaseMillis, LockAcquirer.this.registrationMillis));
			}
			long reply = attempt(0);
			if (reply > 0) {
				return held(reply, this.leaseMillis);
			}
			return failed(this.observation, this.target, this.options, Reason.TIMEOUT, this.started, null, raise);
		}

		private long attempt(long waitingMillis) {
			this.sent = System.nanoTime();
			return LockAcquirer.this.attempt(this.target, this.tokenBytes, this.leaseBytes, waitingMillis);
		}

		/** An attempt while waiting: Redis being briefly unreachable only makes the waiter wait longer. */
		private long tolerantAttempt(long waitingMillis) {
			try {
				long reply = attempt(waitingMillis);
				this.lastFailure = null;
				return reply;
			}
			catch (RedisUnavailableException ex) {
				this.lastFailure = ex;
				return -1 - TimeUnit.NANOSECONDS.toMillis(LockAcquirer.this.pollNanos);
			}
		}

		private LockHandle held(long fence, long grantedMillis) {
			RedisLockHandle handle = new RedisLockHandle(LockAcquirer.this.manager, this.target, this.token,
					this.tokenBytes, fence, this.options.metricName(), this.watchdogLease, this.leaseMillis, this.sent,
					grantedMillis);
			if (this.gate != null) {
				handle.gate(this.gate);
			}
			handle.start(this.sent, grantedMillis);
			LockAcquirer.this.held.add(handle);
			LockAcquirer.this.listener.onAcquisition(this.options.metricName(), this.target.type, Outcome.ACQUIRED,
					System.nanoTime() - this.started);
			if (this.observation != null) {
				PatternObservations.stop(this.observation, Outcome.ACQUIRED.id(), null);
			}
			return handle;
		}

		void close() {
			Waiter current = this.waiter;
			if (current != null) {
				current.close();
			}
		}

	}

	/** Nanoseconds of a wait time, "forever" for waits too long to count in nanoseconds. */
	private static long saturatedNanos(Duration duration) {
		try {
			return Math.min(duration.toNanos(), Long.MAX_VALUE / 4);
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE / 4;
		}
	}

	/** One acquire script run: the fencing token (> 0), or -1 - (ms the blocking lease still runs). */
	long attempt(LockTarget target, byte[] token, long leaseMillis, long waitingMillis) {
		return attempt(target, token, ScriptExecutor.arg(leaseMillis), waitingMillis);
	}

	private long attempt(LockTarget target, byte[] token, byte[] lease, long waitingMillis) {
		byte[][] args = { token, lease, this.fenceTtl, (waitingMillis == 0) ? ZERO : ScriptExecutor.arg(waitingMillis),
				target.channelBytes, target.variant };
		if (this.replicas != null) {
			return this.replicas.acquire(target, args, new byte[][] { token, target.channelBytes, this.fenceTtl });
		}
		Long reply = this.scripts.call(target.acquire, ReturnType.INTEGER, target.acquireKeys, args);
		return (reply != null) ? reply : -1;
	}

	/**
	 * Cleans up after an attempt whose outcome is unknown (its reply was lost) or a waiter that gives up:
	 * releases whatever the token may hold and leaves the queue. Sent after the attempt on the same
	 * connection, so Redis runs it after the attempt even when both are replayed after a reconnect.
	 * (Replica-confirmed attempts run on connections of their own: {@link ReplicaAcknowledgement} sends
	 * their clean-up behind them there, and this one only repeats it.)
	 */
	private void abandon(LockTarget target, byte[] token) {
		try {
			this.scripts.execute(target.release, ReturnType.INTEGER, target.releaseKeys,
					token, target.channelBytes, this.fenceTtl)
				.orTimeout(this.connector.commandTimeout().toNanos(), TimeUnit.NANOSECONDS)
				.exceptionally((failure) -> {
					logger.debug("Clean-up of an abandoned attempt on lock '" + target.name + "' failed: " + failure);
					return 0L;
				});
		}
		catch (RuntimeException ex) {
			logger.debug("Clean-up of an abandoned attempt on lock '" + target.name + "' failed: " + ex);
		}
	}

	/**
	 * Subscribes a waiter to the lock's channel and, for a lock handed over on release, to the channel on
	 * which Redis tells this instance alone of a hand-over ({@code lock_queue.lua}); the lock's own channel
	 * still carries hand-overs from instances of earlier versions.
	 */
	private Waiter subscribe(LockTarget target, String token) {
		String grants = target.grantChannel;
		Waiter waiter = new Waiter((grants != null) ? LockTarget.bytes(token + "|") : null);
		if (this.signals != null) {
			String channel = target.channel;
			try {
				waiter.subscribed(this.signals.subscribe(channel, waiter));
				if (grants != null) {
					channel = grants;
					waiter.subscribedToGrants(this.signals.subscribe(channel, waiter));
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Cannot subscribe to " + channel + "; waiting by polling: " + ex.getMessage());
			}
		}
		return waiter;
	}

	/** The instance id in this manager's owner tokens. */
	String instance() {
		return this.tokens.instance();
	}

	private @Nullable LockHandle failed(@Nullable Observation observation, LockTarget target, LockRequest options,
			Reason reason, long started, @Nullable Throwable cause, boolean raise) {
		long waited = System.nanoTime() - started;
		Outcome outcome = outcome(reason);
		this.listener.onAcquisition(options.metricName(), target.type, outcome, waited);
		if (observation != null) {
			PatternObservations.stop(observation, outcome.id(), null);
		}
		if (reason == Reason.UNAVAILABLE && logger.isDebugEnabled()) {
			logger.debug("Lock '" + target.name + "' not acquired: Redis unavailable", cause);
		}
		if (!raise) {
			return null;
		}
		throw new LockNotAcquiredException(target.name, reason, Duration.ofNanos(waited), cause);
	}

	private static Outcome outcome(Reason reason) {
		return switch (reason) {
			case TIMEOUT -> Outcome.TIMEOUT;
			case UNAVAILABLE -> Outcome.UNAVAILABLE;
			case REPLICAS -> Outcome.REPLICAS;
			case INTERRUPTED -> Outcome.INTERRUPTED;
		};
	}

}
