package dev.redispatterns.lock;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.connection.ReturnType;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;

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
 * least every {@link LockManagerSettings#pollInterval()}, or sooner when the blocking lease is about to run out.
 * <p>
 * <b>Failure.</b> When Redis is unreachable nothing is acquired ({@link LockNotAcquiredException} with
 * reason {@code UNAVAILABLE}, after at most one command timeout). An attempt whose reply was lost is
 * cleaned up by an asynchronous release of its token, which Redis runs after the attempt whenever both
 * reach it.
 * <p>
 * Constructible without Spring; {@link #destroy()} stops the watchdog (held leases then run out).
 */
public final class RedisLockManager implements LockManager, DisposableBean, AutoCloseable {

	private static final int MAX_CACHED_TARGETS = 4096;

	private static final byte[] ONE = ScriptExecutor.arg(1);

	private static final byte[] ZERO = ScriptExecutor.arg(0);

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final RedisKeys keys;

	private final LockManagerSettings settings;

	private final LockListener listener;

	private final LockWatchdog watchdog;

	private final HeldLocks held = new HeldLocks();

	private final @Nullable ReplicaAcknowledgement replicas;

	/** Non-fair mode: threads waiting in this JVM for a lock it holds. */
	private final LocalHandOffs handOffs = new LocalHandOffs();

	private final LockAcquirer acquirer;

	private final byte[] fenceTtl;

	private final ConcurrentHashMap<String, LockTarget> exclusiveTargets = new ConcurrentHashMap<>();

	/**
	 * @param signals the release channel's subscriptions, or {@code null} to wait by polling only
	 */
	public RedisLockManager(RedisConnector connector, ScriptExecutor scripts, @Nullable RedisSignals signals,
			RedisKeys keys, LockManagerSettings settings, LockListener listener) {
		this(connector, scripts, signals, keys, settings, listener, PatternObservations.NONE);
	}

	/**
	 * @param signals the release channel's subscriptions, or {@code null} to wait by polling only
	 * @param observations where acquisitions are observed (for traces)
	 */
	public RedisLockManager(RedisConnector connector, ScriptExecutor scripts, @Nullable RedisSignals signals,
			RedisKeys keys, LockManagerSettings settings, LockListener listener, PatternObservations observations) {
		this.connector = connector;
		this.scripts = scripts;
		this.keys = keys;
		this.settings = settings;
		this.listener = GuardedLockListener.of(listener);
		if (settings.replicaAcks() > 0 && !connector.isNative()) {
			// WAIT runs on Lettuce connections of their own, to the node that owns the lock's slot
			throw new RedisPatternsConfigurationException(
					"Replica-confirmed lock acquisitions (replicaAcks " + settings.replicaAcks()
							+ ") need Lettuce, but Redis Patterns runs in portable mode on "
							+ connector.connectionFactory().getClass().getName() + ".",
					"Use Lettuce (spring.data.redis.client-type=lettuce) and leave redis.patterns.client at auto, "
							+ "or set replicaAcks to 0.");
		}
		this.replicas = (settings.replicaAcks() > 0)
				? new ReplicaAcknowledgement(connector, settings.replicaAcks(), settings.replicaAckTimeout()) : null;
		this.acquirer = new LockAcquirer(this, connector, scripts, signals, settings, this.listener, observations,
				this.replicas, this.handOffs, this.held);
		this.fenceTtl = this.acquirer.fenceTtl;
		long intervalNanos = settings.watchdogInterval().toNanos();
		long firstRenewal = Math.min(intervalNanos,
				TimeUnit.MILLISECONDS.toNanos(this.acquirer.registrationMillis) / 3);
		this.watchdog = new LockWatchdog(connector.threads().factory("lock-watchdog"), intervalNanos, firstRenewal);
	}

	@Override
	public Optional<LockHandle> tryLock(String name, LockRequest options) {
		return Optional.ofNullable(acquire(exclusive(name), options, false));
	}

	@Override
	public LockHandle lock(String name, LockRequest options) {
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
			target = LockTarget.exclusive(this.keys, name, this.acquirer.instance());
			if (this.exclusiveTargets.size() >= MAX_CACHED_TARGETS) {
				this.exclusiveTargets.clear();
			}
			this.exclusiveTargets.put(name, target);
		}
		return target;
	}

	@Override
	public Optional<LockHandle> tryReadLock(String name, LockRequest options) {
		return Optional.ofNullable(acquire(LockTarget.readWrite(this.keys, name, false), options, false));
	}

	@Override
	public LockHandle readLock(String name, LockRequest options) {
		return required(acquire(LockTarget.readWrite(this.keys, name, false), options, true));
	}

	@Override
	public Optional<LockHandle> tryWriteLock(String name, LockRequest options) {
		return Optional.ofNullable(acquire(LockTarget.readWrite(this.keys, name, true), options, false));
	}

	@Override
	public LockHandle writeLock(String name, LockRequest options) {
		return required(acquire(LockTarget.readWrite(this.keys, name, true), options, true));
	}

	@Override
	public Optional<LockHandle> tryAcquirePermit(String name, int permits, LockRequest options) {
		return Optional.ofNullable(acquire(LockTarget.semaphore(this.keys, name, requirePermits(permits)), options, false));
	}

	@Override
	public LockHandle acquirePermit(String name, int permits, LockRequest options) {
		return required(acquire(LockTarget.semaphore(this.keys, name, requirePermits(permits)), options, true));
	}

	public LockManagerSettings settings() {
		return this.settings;
	}

	/** How many locks this instance holds now (not released, not known to be lost). Costs no round trip. */
	public int heldCount() {
		return this.held.count();
	}

	/**
	 * The locks this instance holds now (not released, not known to be lost), longest held first. Costs
	 * no round trip.
	 */
	public List<HeldLock> heldLocks() {
		return this.held.describe();
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
		byte[] value = this.connector.await(this.connector.commands().get(target.acquireKeys[0]));
		if (value == null) {
			return false;
		}
		String current = new String(value, StandardCharsets.UTF_8);
		int bar = current.indexOf('|');
		String token = (bar >= 0) ? current.substring(0, bar) : current;
		Long released = this.scripts.call(target.release, ReturnType.INTEGER, target.releaseKeys,
				LockTarget.bytes(token), target.channelBytes, this.fenceTtl);
		boolean freed = released != null && released == 1L;
		if (freed) {
			this.held.forceReleased(token);
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

	private @Nullable LockHandle acquire(LockTarget target, LockRequest options, boolean raise) {
		return this.acquirer.acquire(target, options, raise);
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
			reply = this.scripts.<Long>execute(LockScripts.PASS, ReturnType.INTEGER, target.releaseKeys,
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

	/** One acquire script run: the fencing token (> 0), or -1 - (ms the blocking lease still runs). */
	long attempt(LockTarget target, byte[] token, long leaseMillis, long waitingMillis) {
		return this.acquirer.attempt(target, token, leaseMillis, waitingMillis);
	}

	byte[][] releaseArgs(RedisLockHandle handle) {
		return new byte[][] { handle.tokenBytes, handle.target.channelBytes, this.fenceTtl };
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

	/** Where the acquiring caller's context is captured for the watchdog's work on its lock. */
	RedisPatternsThreads threads() {
		return this.connector.threads();
	}

	long watchdogIntervalNanos() {
		return this.watchdog.intervalNanos();
	}

	boolean interruptOnLoss() {
		return this.settings.interruptOnLoss();
	}

	Executor watchdogExecutor() {
		return this.watchdog.executor();
	}

	void watch(RedisLockHandle handle) {
		this.watchdog.watch(handle);
	}

	void unwatch(RedisLockHandle handle) {
		this.watchdog.unwatch(handle);
	}

	/** The handle no longer holds its lock (released or lost). */
	void forget(RedisLockHandle handle) {
		this.held.remove(handle);
	}

	/**
	 * Stops the watchdog: held locks are no longer renewed and their leases run out, as if the process had
	 * died. Handles can still be released.
	 */
	@Override
	public void destroy() {
		this.watchdog.shutdown();
		if (this.replicas != null) {
			this.replicas.close();
		}
	}

	@Override
	public void close() {
		destroy();
	}

}
