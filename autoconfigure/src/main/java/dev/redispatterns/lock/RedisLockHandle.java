package dev.redispatterns.lock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Consumer;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * A held lock: its owner token, fencing token and lease. The lease is tracked with the client's monotonic
 * clock from the moment the acquiring command was sent, so the client never believes in a lease longer
 * than the one Redis keeps.
 */
final class RedisLockHandle implements LockHandle {

	private static final Log logger = LogFactory.getLog(RedisLockHandle.class);

	private static final int HELD = 0;

	private static final int RELEASED = 1;

	private static final int LOST = 2;

	private final RedisLockManager manager;

	final LockTarget target;

	final String token;

	final byte[] tokenBytes;

	private final long fence;

	final String metricName;

	/** Whether the watchdog renews the lease for as long as the handle is held. */
	private final boolean watchdog;

	/** The lease asked for (the watchdog lease for watchdog handles). */
	private final long leaseMillis;

	/** For fixed leases: when the asked-for lease ends, by the client's clock. */
	private final long fixedLeaseEnd;

	private final long acquiredAt;

	private volatile long leaseDeadline;

	private final AtomicInteger state = new AtomicInteger(HELD);

	/** Non-fair mode: the local hand-off gate this handle holds; taken by the release or the loss. */
	private volatile LocalHandOffs.@Nullable Gate gate;

	private static final AtomicReferenceFieldUpdater<RedisLockHandle, LocalHandOffs.Gate> GATE = AtomicReferenceFieldUpdater
		.newUpdater(RedisLockHandle.class, LocalHandOffs.Gate.class, "gate");

	/** Renewals Redis confirmed; written by the watchdog's single thread only. */
	private volatile int renewals;

	/** When the watchdog renews next ({@link System#nanoTime()}); {@link Long#MAX_VALUE} while one is in flight. */
	private volatile long nextRenewal = Long.MAX_VALUE;

	/** Created by the first {@link #onLost} call: most handles never get a listener. */
	private volatile @Nullable List<Consumer<LockHandle>> lostListeners;

	/**
	 * The acquiring caller's context (MDC, trace, ... through the application's task decorator), applied
	 * when the watchdog renews this lock or finds it lost, so those logs and callbacks belong to the caller.
	 */
	private volatile RedisPatternsThreads.Repeated callerContext = NO_CONTEXT;

	private static final RedisPatternsThreads.Repeated NO_CONTEXT = RedisPatternsThreads.platform().captureRepeated();

	/** The thread running the guarded method, interrupted on loss when so configured. */
	private volatile @Nullable Thread boundThread;

	/**
	 * @param leaseStart {@link System#nanoTime()} when the acquiring command was sent
	 * @param grantedMillis the lease Redis set: the asked-for lease, or a shorter claim time for a lock
	 * handed over from a queue, which the watchdog extends
	 */
	RedisLockHandle(RedisLockManager manager, LockTarget target, String token, byte[] tokenBytes, long fence,
			String metricName, boolean watchdog, long leaseMillis, long leaseStart, long grantedMillis) {
		this.manager = manager;
		this.target = target;
		this.token = token;
		this.tokenBytes = tokenBytes;
		this.fence = fence;
		this.metricName = metricName;
		this.watchdog = watchdog;
		this.leaseMillis = leaseMillis;
		this.fixedLeaseEnd = leaseStart + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
		this.acquiredAt = System.nanoTime();
		this.leaseDeadline = leaseStart + TimeUnit.MILLISECONDS.toNanos(grantedMillis);
	}

	/** Plans the first renewal: at the watchdog interval, or sooner to extend a short claim lease. */
	void start(long leaseStart, long grantedMillis) {
		long grantedNanos = TimeUnit.MILLISECONDS.toNanos(grantedMillis);
		if (this.watchdog) {
			this.callerContext = this.manager.threads().captureRepeated();
			this.nextRenewal = leaseStart + Math.min(this.manager.watchdogIntervalNanos(), grantedNanos / 3);
			this.manager.watch(this);
		}
		else if (grantedMillis < this.leaseMillis) {
			this.callerContext = this.manager.threads().captureRepeated();
			this.nextRenewal = leaseStart + grantedNanos / 3;
			this.manager.watch(this);
		}
	}

	/**
	 * Called by every watchdog sweep: declares the lock lost once its lease ran out without a confirmed
	 * renewal, and tells whether a renewal is due now.
	 */
	boolean renewalDue(long now) {
		if (now - this.leaseDeadline >= 0 && this.state.get() == HELD) {
			this.callerContext.run(() -> lose("its lease ran out before a renewal reached Redis"));
			return false;
		}
		long next = this.nextRenewal;
		return next != Long.MAX_VALUE && now - next >= 0;
	}

	@Override
	public String name() {
		return this.target.name;
	}

	@Override
	public LockType type() {
		return this.target.type;
	}

	@Override
	public long fencingToken() {
		return this.fence;
	}

	@Override
	public boolean isHeld() {
		return this.state.get() == HELD && System.nanoTime() - this.leaseDeadline < 0;
	}

	void gate(LocalHandOffs.Gate gate) {
		this.gate = gate;
	}

	private LocalHandOffs.@Nullable Gate takeGate() {
		return (this.gate != null) ? GATE.getAndSet(this, null) : null;
	}

	@Override
	public boolean unlock() {
		if (!toReleased()) {
			return false;
		}
		LocalHandOffs.Gate local = takeGate();
		if (local != null) {
			return this.manager.releaseNonFair(this, local).join();
		}
		try {
			Long reply = this.manager.scripts().call(this.target.release, ReturnType.INTEGER,
					this.target.releaseKeys, this.manager.releaseArgs(this));
			return reply != null && reply == 1L;
		}
		catch (RuntimeException ex) {
			releaseFailed(ex);
			return false;
		}
	}

	@Override
	public CompletableFuture<Boolean> unlockAsync() {
		if (!toReleased()) {
			return CompletableFuture.completedFuture(false);
		}
		LocalHandOffs.Gate local = takeGate();
		if (local != null) {
			return this.manager.releaseNonFair(this, local);
		}
		return releaseInRedis();
	}

	/** The release script, asynchronously; never completes exceptionally. */
	CompletableFuture<Boolean> releaseInRedis() {
		try {
			return this.manager.scripts()
				.<Long>execute(this.target.release, ReturnType.INTEGER, this.target.releaseKeys,
						this.manager.releaseArgs(this))
				.orTimeout(this.manager.commandTimeoutNanos(), TimeUnit.NANOSECONDS)
				.handle((reply, failure) -> {
					if (failure != null) {
						releaseFailed(failure);
						return false;
					}
					return reply != null && reply == 1L;
				});
		}
		catch (RuntimeException ex) {
			releaseFailed(ex);
			return CompletableFuture.completedFuture(false);
		}
	}

	@Override
	public boolean unlock(Duration holdAtLeast) {
		long remaining = holdAtLeast.toNanos() - (System.nanoTime() - this.acquiredAt);
		long remainingMillis = TimeUnit.NANOSECONDS.toMillis(remaining);
		if (remainingMillis < 1) {
			return unlock();
		}
		if (!toReleased()) {
			return false;
		}
		try {
			Long reply = this.manager.scripts().call(this.target.renew, ReturnType.INTEGER,
					this.target.renewKeys, this.tokenBytes, ScriptExecutor.arg(remainingMillis));
			return reply != null && reply == 1L;
		}
		catch (RuntimeException ex) {
			releaseFailed(ex);
			return false;
		}
		finally {
			// the lock stays taken until its lease runs out: this instance's next waiter waits in Redis
			LocalHandOffs.Gate local = takeGate();
			if (local != null) {
				this.manager.leave(local);
			}
		}
	}

	@Override
	public void onLost(Consumer<LockHandle> listener) {
		List<Consumer<LockHandle>> listeners = lostListeners();
		listeners.add(listener);
		if (this.state.get() == LOST && listeners.remove(listener)) {
			notifyLost(listener);
		}
	}

	private List<Consumer<LockHandle>> lostListeners() {
		List<Consumer<LockHandle>> listeners = this.lostListeners;
		if (listeners == null) {
			synchronized (this) {
				listeners = this.lostListeners;
				if (listeners == null) {
					listeners = new CopyOnWriteArrayList<>();
					this.lostListeners = listeners;
				}
			}
		}
		return listeners;
	}

	@Override
	public void close() {
		unlock();
	}

	/** Binds the thread to interrupt on loss; returns the one bound before, for a re-entrant call to restore. */
	@Nullable Thread bind(@Nullable Thread thread) {
		Thread previous = this.boundThread;
		this.boundThread = thread;
		return previous;
	}

	/** Moves to RELEASED from HELD or LOST; false if it was released already. */
	private boolean toReleased() {
		while (true) {
			int current = this.state.get();
			if (current == RELEASED) {
				return false;
			}
			if (this.state.compareAndSet(current, RELEASED)) {
				cancelRenewal();
				this.manager.forget(this);
				if (current == HELD) {
					this.manager.listener()
						.onReleased(this.metricName, this.target.type, System.nanoTime() - this.acquiredAt);
				}
				return true;
			}
		}
	}

	void releaseFailed(Throwable failure) {
		// lock names can be user data (evaluated keys): the bounded metric name at WARN, the name at DEBUG
		logger.warn("Could not release a lock of '" + this.metricName + "'; its lease will run out by itself: "
				+ failure.getMessage());
		if (logger.isDebugEnabled()) {
			logger.debug("The lock that could not be released: '" + this.target.name + "'");
		}
		this.manager.listener().onReleaseFailed(this.metricName, this.target.type, failure);
	}

	private void scheduleRenewal(long delayNanos) {
		this.nextRenewal = System.nanoTime() + Math.max(0, delayNanos);
	}

	private void cancelRenewal() {
		this.nextRenewal = Long.MAX_VALUE;
		this.manager.unwatch(this);
	}

	/** Runs on the watchdog thread when due; the renewal itself is asynchronous. */
	void renew() {
		this.callerContext.run(this::renewNow);
	}

	private void renewNow() {
		if (this.state.get() != HELD) {
			this.manager.unwatch(this);
			return;
		}
		long sent = System.nanoTime();
		this.nextRenewal = Long.MAX_VALUE;
		if (sent - this.leaseDeadline >= 0) {
			lose("its lease ran out before a renewal reached Redis");
			return;
		}
		long leaseMillis = this.watchdog ? this.leaseMillis : TimeUnit.NANOSECONDS.toMillis(this.fixedLeaseEnd - sent);
		if (leaseMillis < 1) {
			this.manager.unwatch(this);
			return;
		}
		CompletableFuture<Long> reply;
		try {
			reply = this.manager.scripts()
				.<Long>execute(this.target.renew, ReturnType.INTEGER, this.target.renewKeys,
						this.tokenBytes, ScriptExecutor.arg(leaseMillis))
				.orTimeout(this.manager.commandTimeoutNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			renewalFailed(ex);
			return;
		}
		reply.whenCompleteAsync(
				(result, failure) -> this.callerContext.run(() -> renewed(sent, leaseMillis, result, failure)),
				this.manager.watchdogExecutor());
	}

	private void renewed(long sent, long leaseMillis, @Nullable Long result, @Nullable Throwable failure) {
		if (this.state.get() != HELD) {
			return;
		}
		if (failure != null) {
			renewalFailed(failure);
		}
		else if (result != null && result == 1L) {
			this.leaseDeadline = sent + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
			this.renewals++;
			this.manager.listener().onRenewed(this.metricName, this.target.type);
			if (this.watchdog) {
				scheduleRenewal(this.manager.watchdogIntervalNanos());
			}
			else {
				this.manager.unwatch(this);
			}
		}
		else {
			lose("a renewal found it taken over or expired");
		}
	}

	/** Retries while the lease lasts, a few times per remaining lease; the next attempt declares the loss. */
	private void renewalFailed(Throwable failure) {
		this.manager.listener().onRenewalFailed(this.metricName, this.target.type, failure);
		long remaining = this.leaseDeadline - System.nanoTime();
		long retry = Math.min(this.manager.watchdogIntervalNanos(),
				Math.max(TimeUnit.MILLISECONDS.toNanos(50), remaining / 3));
		logger.debug("Renewal of lock '" + this.target.name + "' failed, retrying: " + failure.getMessage());
		scheduleRenewal(Math.min(retry, Math.max(remaining, 0)));
	}

	/** An operator freed the lock in Redis ({@link RedisLockManager#forceRelease}): this handle lost it. */
	void forceReleased() {
		this.callerContext.run(() -> lose("it was force-released by an operator"));
	}

	/** What the actuator endpoint shows of this handle: no owner token. */
	HeldLock describe(long now) {
		long leaseLeft = Math.max(0, this.leaseDeadline - now);
		return new HeldLock(this.target.name, this.target.type, this.metricName, this.fence,
				Duration.ofNanos(Math.max(0, now - this.acquiredAt)), this.renewals, this.watchdog,
				Duration.ofNanos(leaseLeft).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
	}

	private void lose(String why) {
		if (!this.state.compareAndSet(HELD, LOST)) {
			return;
		}
		cancelRenewal();
		this.manager.forget(this);
		LocalHandOffs.Gate local = takeGate();
		if (local != null) {
			this.manager.leave(local);
		}
		logger.warn("A lock of '" + this.metricName + "' (" + this.target.type.id() + ") was lost: " + why);
		if (logger.isDebugEnabled()) {
			logger.debug("The lock that was lost: '" + this.target.name + "'");
		}
		this.manager.listener().onLost(this.metricName, this.target.type);
		Thread thread = this.boundThread;
		if (thread != null && this.manager.interruptOnLoss()) {
			thread.interrupt();
		}
		List<Consumer<LockHandle>> listeners = this.lostListeners;
		if (listeners != null) {
			for (Consumer<LockHandle> listener : listeners) {
				if (listeners.remove(listener)) {
					notifyLost(listener);
				}
			}
		}
	}

	private void notifyLost(Consumer<LockHandle> listener) {
		try {
			listener.accept(this);
		}
		catch (RuntimeException ex) {
			logger.warn("Lost-lock listener of a lock of '" + this.metricName + "' failed", ex);
		}
	}

	@Override
	public String toString() {
		return "LockHandle[" + this.target.type.id() + " '" + this.target.name + "', fence " + this.fence + ", "
				+ switch (this.state.get()) {
					case HELD -> "held";
					case RELEASED -> "released";
					default -> "lost";
				} + "]";
	}

}
