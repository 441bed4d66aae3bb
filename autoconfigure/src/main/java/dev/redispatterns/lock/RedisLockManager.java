package dev.redispatterns.lock;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.ScriptOutputType;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.redispatterns.core.PatternObservations;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisKeys;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.RedisSignals;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.ScriptExecutor;
import dev.redispatterns.lock.LockListener.Outcome;
import dev.redispatterns.lock.LockNotAcquiredException.Reason;
import dev.redispatterns.lock.ReplicaAcknowledgement.InsufficientReplicasException;

/**
 * The lock engine. An uncontended acquisition is one {@code EVALSHA} and a release another: the same two
 * round trips as a bare {@code SET NX PX} plus compare-and-delete, with the fencing token and the waiter
 * queue handled inside the same scripts.
 * <p>
 * <b>Waiting.</b> A caller that has to wait subscribes to the lock's release channel first, then queues up
 * in Redis in the same script that checks the lock, so no release can slip between the check and the
 * subscription. An exclusive lock is handed over by the release script itself to the first live waiter
 * in arrival order and the waiter is told on the channel: it wakes up already holding the lock, without
 * another round trip and without a crowd of waiters racing for it. Read-write locks and semaphores wake
 * their waiters, who try again. Pub/sub can lose messages, so every waiter also asks Redis again at
 * least every {@link LockSettings#pollInterval()}, or sooner when the blocking lease is about to run out.
 * <p>
 * <b>Failure.</b> When Redis is unreachable nothing is acquired ({@link LockNotAcquiredException} with
 * reason {@code UNAVAILABLE}, after at most one command timeout). An attempt whose reply was lost is
 * cleaned up by an asynchronous release of its token, which Redis runs after the attempt whenever both
 * reach it.
 * <p>
 * Constructible without Spring; {@link #destroy()} stops the watchdog (held leases then run out).
 */
public final class RedisLockManager implements LockManager, DisposableBean, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisLockManager.class);

	private static final long SIGNAL_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final @Nullable RedisSignals signals;

	private final RedisKeys keys;

	private final LockSettings settings;

	private final LockListener listener;

	private final ScheduledThreadPoolExecutor watchdog;

	/** Handles this instance holds now, for diagnostics (the actuator endpoint); cheap to add and remove. */
	private final Set<RedisLockHandle> held = ConcurrentHashMap.newKeySet();

	private final PatternObservations observations;

	/** Handles with a renewal ahead; one sweep per tick renews those that are due. */
	private final Set<RedisLockHandle> watched = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean sweeping = new AtomicBoolean();

	private final long tickNanos;

	private final @Nullable ReplicaAcknowledgement replicas;

	private final String tokenPrefix;

	private final AtomicLong tokenSequence = new AtomicLong();

	private final long watchdogLeaseMillis;

	private final long watchdogIntervalNanos;

	private final long pollNanos;

	/** How long a waiter's place in the queue lasts without a refresh; also the claim lease of a hand-over. */
	private final long registrationMillis;

	private final byte[] fenceTtl;

	private static final int MAX_CACHED_TARGETS = 4096;

	private final ConcurrentHashMap<String, LockTarget> exclusiveTargets = new ConcurrentHashMap<>();

	private final byte[] watchdogLeaseBytes;

	/** Non-fair mode: threads waiting in this JVM for a lock it holds. */
	private final LocalHandOffs handOffs = new LocalHandOffs();

	private static final byte[] ONE = ScriptExecutor.arg(1);

	private static final byte[] ZERO = ScriptExecutor.arg(0);

	/**
	 * @param signals the release channel's subscriptions, or {@code null} to wait by polling only
	 */
	public RedisLockManager(RedisConnector connector, ScriptExecutor scripts, @Nullable RedisSignals signals,
			RedisKeys keys, LockSettings settings, LockListener listener) {
		this(connector, scripts, signals, keys, settings, listener, PatternObservations.NONE);
	}

	/**
	 * @param signals the release channel's subscriptions, or {@code null} to wait by polling only
	 * @param observations where acquisitions are observed (for traces)
	 */
	public RedisLockManager(RedisConnector connector, ScriptExecutor scripts, @Nullable RedisSignals signals,
			RedisKeys keys, LockSettings settings, LockListener listener, PatternObservations observations) {
		this.observations = observations;
		this.connector = connector;
		this.scripts = scripts;
		this.signals = signals;
		this.keys = keys;
		this.settings = settings;
		this.listener = GuardedLockListener.of(listener);
		this.watchdog = new ScheduledThreadPoolExecutor(1, connector.threads().factory("lock-watchdog"));
		this.replicas = (settings.replicaAcks() > 0)
				? new ReplicaAcknowledgement(connector, settings.replicaAcks(), settings.replicaAckTimeout()) : null;
		byte[] random = new byte[12];
		new SecureRandom().nextBytes(random);
		this.tokenPrefix = HexFormat.of().formatHex(random) + ":";
		this.watchdogLeaseMillis = settings.watchdogLease().toMillis();
		this.watchdogIntervalNanos = settings.watchdogInterval().toNanos();
		this.pollNanos = settings.pollInterval().toNanos();
		this.registrationMillis = 2 * settings.pollInterval().toMillis() + connector.commandTimeout().toMillis();
		this.fenceTtl = ScriptExecutor.arg(settings.fencingCounterTtl().toMillis());
		this.watchdogLeaseBytes = ScriptExecutor.arg(this.watchdogLeaseMillis);
		long firstRenewal = Math.min(this.watchdogIntervalNanos,
				TimeUnit.MILLISECONDS.toNanos(this.registrationMillis) / 3);
		this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
				Math.min(TimeUnit.MILLISECONDS.toNanos(250), firstRenewal / 4));
	}

	@Override
	public Optional<LockHandle> tryLock(String name, LockOptions options) {
		return Optional.ofNullable(acquire(exclusive(name), options, false));
	}

	@Override
	public LockHandle lock(String name, LockOptions options) {
		return required(acquire(exclusive(name), options, true));
	}

	/**
	 * The keys and channel of an exclusive lock, built once per name for names in use: building them (key
	 * escaping, four key arrays, the channel) was a tenth of the allocation of an uncontended cycle.
	 * Dynamic names ({@code order:4711}) can be many, so the cache is dropped whole when it grows large.
	 */
	private LockTarget exclusive(String name) {
		LockTarget target = this.exclusiveTargets.get(name);
		if (target == null) {
			target = LockTarget.exclusive(this.keys, name);
			if (this.exclusiveTargets.size() >= MAX_CACHED_TARGETS) {
				this.exclusiveTargets.clear();
			}
			this.exclusiveTargets.put(name, target);
		}
		return target;
	}

	@Override
	public Optional<LockHandle> tryReadLock(String name, LockOptions options) {
		return Optional.ofNullable(acquire(LockTarget.readWrite(this.keys, name, false), options, false));
	}

	@Override
	public LockHandle readLock(String name, LockOptions options) {
		return required(acquire(LockTarget.readWrite(this.keys, name, false), options, true));
	}

	@Override
	public Optional<LockHandle> tryWriteLock(String name, LockOptions options) {
		return Optional.ofNullable(acquire(LockTarget.readWrite(this.keys, name, true), options, false));
	}

	@Override
	public LockHandle writeLock(String name, LockOptions options) {
		return required(acquire(LockTarget.readWrite(this.keys, name, true), options, true));
	}

	@Override
	public Optional<LockHandle> tryAcquirePermit(String name, int permits, LockOptions options) {
		return Optional.ofNullable(acquire(LockTarget.semaphore(this.keys, name, requirePermits(permits)), options, false));
	}

	@Override
	public LockHandle acquirePermit(String name, int permits, LockOptions options) {
		return required(acquire(LockTarget.semaphore(this.keys, name, requirePermits(permits)), options, true));
	}

	public LockSettings settings() {
		return this.settings;
	}

	/** How many locks this instance holds now (not released, not known to be lost). Costs no round trip. */
	public int heldCount() {
		int count = 0;
		for (RedisLockHandle handle : this.held) {
			if (handle.isHeld()) {
				count++;
			}
		}
		return count;
	}

	/**
	 * The locks this instance holds now (not released, not known to be lost), longest held first. Costs
	 * no round trip.
	 */
	public List<HeldLock> heldLocks() {
		long now = System.nanoTime();
		List<HeldLock> locks = new ArrayList<>();
		for (RedisLockHandle handle : this.held) {
			if (handle.isHeld()) {
				locks.add(handle.describe(now));
			}
		}
		locks.sort(Comparator.comparing(HeldLock::heldFor).reversed());
		return locks;
	}

	/**
	 * Frees the exclusive lock {@code name} whoever holds it, for an operator clearing a lock whose holder
	 * hangs: the release script runs with the holder's token, so the lock goes to the next waiter as on a
	 * normal release. The holder notices at its next renewal (a handle of this instance at once) and its
	 * fencing token is then outdated. Never use it in application code: it defeats the lock.
	 * @return whether a holder was released
	 * @throws dev.redispatterns.core.RedisUnavailableException if Redis cannot be reached
	 */
	public boolean forceRelease(String name) {
		LockTarget target = exclusive(name);
		byte[] value = this.connector.await(this.connector.async().get(target.acquireKeys[0]));
		if (value == null) {
			return false;
		}
		String current = new String(value, java.nio.charset.StandardCharsets.UTF_8);
		int bar = current.indexOf('|');
		String token = (bar >= 0) ? current.substring(0, bar) : current;
		Long released = this.scripts.call(target.release, ScriptOutputType.INTEGER, target.releaseKeys,
				LockTarget.bytes(token), target.channelBytes, this.fenceTtl);
		boolean freed = released != null && released == 1L;
		if (freed) {
			for (RedisLockHandle handle : this.held) {
				if (handle.target.type == LockType.EXCLUSIVE && handle.token.equals(token)) {
					handle.forceReleased();
				}
			}
		}
		return freed;
	}

	private static int requirePermits(int permits) {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1: " + permits);
		}
		return permits;
	}

	private static LockHandle required(@Nullable LockHandle handle) {
		if (handle == null) {
			throw new IllegalStateException("acquire(..., true) returns a handle or throws");
		}
		return handle;
	}

	/**
	 * The acquisition loop. Returns the handle, or {@code null} (or throws when {@code raise}) when the lock
	 * could not be had.
	 */
	private @Nullable LockHandle acquire(LockTarget target, LockOptions options, boolean raise) {
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

	private @Nullable LockHandle acquire(LockTarget target, LockOptions options, boolean raise,
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
			return failed(observation, target, options, Reason.UNAVAILABLE, started, ex, raise);
		}
		finally {
			acquisition.close();
			if (entry != null && handle == null && acquisition.contending) {
				this.handOffs.leave(entry.gate());
			}
		}
	}

	/** Whether this acquisition passes through the instance's local hand-off (non-fair mode). */
	private boolean nonFair(LockTarget target, LockOptions options) {
		// confirmed acquisitions (WAIT) stay on the fair path: a local pass is not confirmed by replicas
		return target.type == LockType.EXCLUSIVE && this.replicas == null
				&& (options.fairness() == LockOptions.Fairness.NON_FAIR
						|| (options.fairness() == LockOptions.Fairness.DEFAULT && !this.settings.fair()));
	}

	/**
	 * Releases a non-fair lock: passes it to the first thread of this instance waiting for it (one script
	 * run, new fencing token), or releases it in Redis when none waits. Never completes exceptionally.
	 */
	CompletableFuture<Boolean> releaseNonFair(RedisLockHandle handle, LocalHandOffs.Gate gate) {
		LocalHandOffs.Claim claim = this.handOffs.claim(gate);
		if (claim == null) {
			return handle.releaseInRedis().whenComplete((released, failure) -> this.handOffs.leave(gate));
		}
		LockTarget target = handle.target;
		long sent = System.nanoTime();
		CompletableFuture<Long> reply;
		try {
			reply = this.scripts.<Long>execute(LockScripts.PASS, ScriptOutputType.INTEGER, target.releaseKeys,
					handle.tokenBytes, claim.local().token, ScriptExecutor.arg(claim.local().leaseMillis), this.fenceTtl,
					target.channelBytes, claim.serveQueued() ? ONE : ZERO)
				.orTimeout(commandTimeoutNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			handle.releaseFailed(ex);
			this.handOffs.notPassed(claim);
			return CompletableFuture.completedFuture(false);
		}
		return reply.handle((result, failure) -> {
			if (failure != null) {
				handle.releaseFailed(failure);
				this.handOffs.notPassed(claim);
				return false;
			}
			if (result != null && result > 0) {
				this.handOffs.passed(claim, result, sent);
				return true;
			}
			this.handOffs.notPassed(claim);
			return result != null && result == 0L;
		});
	}

	/** A non-fair holder leaves without passing the lock on (lost, or kept for {@code holdAtLeast}). */
	void leave(LocalHandOffs.Gate gate) {
		this.handOffs.leave(gate);
	}

	/** Local hand-off gates open now (non-fair mode), for tests. */
	int openGates() {
		return this.handOffs.size();
	}

	/** Threads of this instance waiting for {@code name} in its gate (non-fair mode), for tests. */
	int localWaiters(String name) {
		return this.handOffs.waiting(name);
	}

	/** One caller's way to a lock: a first attempt, then queueing up and waiting for a signal or a poll. */
	private final class Acquisition {

		private final LockTarget target;

		private final LockOptions options;

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

		Acquisition(LockTarget target, LockOptions options, long started, @Nullable Observation observation) {
			this.observation = observation;
			this.target = target;
			this.options = options;
			this.started = started;
			this.token = RedisLockManager.this.tokenPrefix
					+ Long.toHexString(RedisLockManager.this.tokenSequence.incrementAndGet());
			this.tokenBytes = LockTarget.bytes(this.token);
			Duration lease = options.leaseTime();
			this.watchdogLease = lease == null;
			this.leaseMillis = (lease != null) ? lease.toMillis() : RedisLockManager.this.watchdogLeaseMillis;
			this.leaseBytes = (lease != null) ? ScriptExecutor.arg(this.leaseMillis)
					: RedisLockManager.this.watchdogLeaseBytes;
		}

		/** Non-fair mode first waits in the instance's gate (unless it is the contender), then goes to Redis. */
		@Nullable LockHandle acquire(LocalHandOffs.@Nullable Entry entry, boolean raise) {
			if (entry != null) {
				this.gate = entry.gate();
				LocalHandOffs.Local local = entry.local();
				if (local != null) {
					long deadline = this.started + saturatedNanos(this.options.waitTime());
					int outcome = RedisLockManager.this.handOffs.await(local, deadline);
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
			RedisSignals signals = RedisLockManager.this.signals;
			long registration = RedisLockManager.this.registrationMillis;
			// a channel that is subscribed already (other waiters, recent use) costs no round trip: queue at once
			if (waitNanos > 0 && signals != null && signals.isSubscribed(this.target.channel)) {
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
				long nap = Math.min(remaining, RedisLockManager.this.pollNanos);
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
			if (RedisLockManager.this.replicas == null) {
				return held(fence, Math.min(this.leaseMillis, RedisLockManager.this.registrationMillis));
			}
			long reply = attempt(0);
			if (reply > 0) {
				return held(reply, this.leaseMillis);
			}
			return failed(this.observation, this.target, this.options, Reason.TIMEOUT, this.started, null, raise);
		}

		private long attempt(long waitingMillis) {
			this.sent = System.nanoTime();
			return RedisLockManager.this.attempt(this.target, this.tokenBytes, this.leaseBytes, waitingMillis);
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
				return -1 - TimeUnit.NANOSECONDS.toMillis(RedisLockManager.this.pollNanos);
			}
		}

		private LockHandle held(long fence, long grantedMillis) {
			RedisLockHandle handle = new RedisLockHandle(RedisLockManager.this, this.target, this.token,
					this.tokenBytes, fence, this.options.metricName(), this.watchdogLease, this.leaseMillis, this.sent,
					grantedMillis);
			if (this.gate != null) {
				handle.gate(this.gate);
			}
			handle.start(this.sent, grantedMillis);
			RedisLockManager.this.held.add(handle);
			RedisLockManager.this.listener.acquisition(this.options.metricName(), this.target.type, Outcome.ACQUIRED,
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
		Long reply = this.scripts.call(target.acquire, ScriptOutputType.INTEGER, target.acquireKeys, args);
		return (reply != null) ? reply : -1;
	}

	byte[][] releaseArgs(RedisLockHandle handle) {
		return new byte[][] { handle.tokenBytes, handle.target.channelBytes, this.fenceTtl };
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
			this.scripts.execute(target.release, ScriptOutputType.INTEGER, target.releaseKeys,
					token, target.channelBytes, this.fenceTtl)
				.orTimeout(commandTimeoutNanos(), TimeUnit.NANOSECONDS)
				.exceptionally((failure) -> {
					logger.debug("Clean-up of an abandoned attempt on lock '" + target.name + "' failed: " + failure);
					return 0L;
				});
		}
		catch (RuntimeException ex) {
			logger.debug("Clean-up of an abandoned attempt on lock '" + target.name + "' failed: " + ex);
		}
	}

	private Waiter subscribe(LockTarget target, String token) {
		Waiter waiter = new Waiter(target.handsOver() ? LockTarget.bytes(token + "|") : null);
		if (this.signals != null) {
			try {
				waiter.subscribed(this.signals.subscribe(target.channel, waiter));
			}
			catch (RuntimeException ex) {
				logger.debug("Cannot subscribe to " + target.channel + "; waiting by polling: " + ex.getMessage());
			}
		}
		return waiter;
	}

	private @Nullable LockHandle failed(@Nullable Observation observation, LockTarget target, LockOptions options,
			Reason reason, long started, @Nullable Throwable cause, boolean raise) {
		long waited = System.nanoTime() - started;
		Outcome outcome = outcome(reason);
		this.listener.acquisition(options.metricName(), target.type, outcome, waited);
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

	ScriptExecutor scripts() {
		return this.scripts;
	}

	LockListener listener() {
		return this.listener;
	}

	long commandTimeoutNanos() {
		return this.connector.commandTimeout().toNanos();
	}

	long watchdogIntervalNanos() {
		return this.watchdogIntervalNanos;
	}

	boolean interruptOnLoss() {
		return this.settings.interruptOnLoss();
	}

	Executor watchdogExecutor() {
		return this.watchdog;
	}

	/**
	 * Puts a handle under the watchdog. Registration is a set insertion rather than a scheduled task per
	 * lock, so short holds pay next to nothing for it; the sweep runs only while something is watched.
	 */
	void watch(RedisLockHandle handle) {
		this.watched.add(handle);
		if (!this.sweeping.get() && this.sweeping.compareAndSet(false, true)) {
			scheduleSweep();
		}
	}

	void unwatch(RedisLockHandle handle) {
		this.watched.remove(handle);
	}

	/** The handle no longer holds its lock (released or lost). */
	void forget(RedisLockHandle handle) {
		this.held.remove(handle);
	}

	private void scheduleSweep() {
		try {
			this.watchdog.schedule(this::sweep, this.tickNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.sweeping.set(false);
		}
	}

	private void sweep() {
		long now = System.nanoTime();
		for (RedisLockHandle handle : this.watched) {
			if (handle.renewalDue(now)) {
				try {
					handle.renew();
				}
				catch (RuntimeException ex) {
					logger.warn("Renewal of a lock of '" + handle.metricName + "' failed", ex);
				}
			}
		}
		if (!this.watched.isEmpty()) {
			scheduleSweep();
			return;
		}
		this.sweeping.set(false);
		if (!this.watched.isEmpty() && this.sweeping.compareAndSet(false, true)) {
			scheduleSweep();
		}
	}

	/**
	 * Stops the watchdog: held locks are no longer renewed and their leases run out, as if the process had
	 * died. Handles can still be released.
	 */
	@Override
	public void destroy() {
		this.watchdog.shutdownNow();
		if (this.replicas != null) {
			this.replicas.close();
		}
	}

	@Override
	public void close() {
		destroy();
	}

}
