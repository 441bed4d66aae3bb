package dev.redispatterns.cache;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.CacheCommands.Acquired;
import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.cache.CacheListener.WaitOutcome;
import dev.redispatterns.cache.CacheScope.StoredValue;
import dev.redispatterns.cache.Flights.Flight;
import dev.redispatterns.cache.Flights.Signal;
import dev.redispatterns.core.PatternObservations;
import dev.redispatterns.core.RedisPatternsException;

/**
 * Single-flight loading of one cache: the loading leases this instance holds, and the wait of callers
 * that found a lease taken by another caller (in this instance or any other).
 * <p>
 * A caller registers with the key's {@link Flights flight} first, then runs one script that returns the
 * entry if it landed meanwhile or takes the lease ({@code SET NX PX}); if another caller holds it, the
 * caller waits for the message the holder's write or release publishes and runs the script once more.
 * That is about three commands per waiting caller. A poll covers lost messages and crashed holders: every
 * 0.5 to 1 s while the channel subscription is confirmed (messages are lost only when its connection
 * drops), every 50 to 500 ms before. A lease whose holder died expires after {@code lock-timeout} and the
 * next poll takes it over. Leases held here are renewed while their loads run.
 */
final class CacheLeases {

	private static final long UNSUBSCRIBED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long SUBSCRIBED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final long MAX_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final CacheScope scope;

	private final CacheChannel channel;

	private final Map<String, Lease> held = new ConcurrentHashMap<>();

	CacheLeases(CacheScope scope, CacheChannel channel) {
		this.scope = scope;
		this.channel = channel;
	}

	Lease newLease(String entryKey) {
		return new Lease(entryKey, CacheScope.leaseKey(entryKey), this.scope.runtime.newToken());
	}

	void hold(Lease lease) {
		this.held.put(lease.entryKey, lease);
	}

	boolean holds(String entryKey) {
		return this.held.containsKey(entryKey);
	}

	@Nullable Lease current(String entryKey) {
		return this.held.get(entryKey);
	}

	/** Takes over whatever lease this instance holds on the key (a write is about to fulfil it). */
	@Nullable Lease take(String entryKey) {
		return this.held.remove(entryKey);
	}

	/** Takes over {@code lease} if it is still pending. */
	boolean take(Lease lease) {
		return this.held.remove(lease.entryKey, lease);
	}

	/**
	 * Gives a lease back without a value and wakes its waiters: after a failure one of them takes over
	 * ({@link CacheMessage#RETRY}); when the value is just not cached they load themselves
	 * ({@link CacheMessage#SKIPPED}). Local waiters are woken at once; the release goes out without
	 * waiting (the same connection carries their next command, after it).
	 */
	void release(Lease lease, byte type) {
		this.scope.flights.signal(lease.entryKey, Signal.of(type));
		if (!this.scope.connected()) {
			return;
		}
		try {
			this.scope.commands()
				.release(lease.leaseKey, lease.token, this.scope.channel, this.scope.message(type, lease.entryKey))
				.whenComplete((released, ex) -> {
					if (ex != null) {
						this.scope.unavailable(Operation.WRITE, ex);
					}
				});
		}
		catch (RuntimeException ex) {
			this.scope.unavailable(Operation.WRITE, ex);
		}
	}

	/** Releases {@code lease} if it is still pending here. */
	void releaseIfPending(Lease lease, byte type) {
		if (take(lease)) {
			release(lease, type);
		}
	}

	/** Called when the invocation that answered a miss ends: releases the lease if nothing was stored. */
	void settle(CacheInvocation.Pending miss, boolean failed) {
		this.scope.listener.load(this.scope.name, System.nanoTime() - miss.startedNanos(), !failed);
		Observation observation = miss.observation();
		if (observation != null) {
			PatternObservations.stop(observation, failed ? "failure" : "success", null);
		}
		Lease lease = miss.lease();
		if (lease != null) {
			releaseIfPending(lease, failed ? CacheMessage.RETRY : CacheMessage.SKIPPED);
		}
	}

	/** Extends the leases held here while their loads run; forgets leases held absurdly long. */
	void renew() {
		long now = System.nanoTime();
		long renewEvery = this.scope.policy.lockTimeout().toNanos() / 3;
		long abandonAfter = this.scope.policy.maxWait().toNanos() + this.scope.policy.lockTimeout().toNanos();
		for (Lease lease : this.held.values()) {
			if (now - lease.acquiredNanos > abandonAfter) {
				this.held.remove(lease.entryKey, lease);
			}
			else if (now - lease.renewedNanos >= renewEvery && this.scope.connected()) {
				lease.renewedNanos = now;
				try {
					this.scope.commands().renew(lease.leaseKey, lease.token, this.scope.lockTimeoutMillis);
				}
				catch (RuntimeException ex) {
					// the lease expires on its own; the next sweep tries again
				}
			}
		}
	}

	/**
	 * Takes the lease or waits for its holder, blocking the caller.
	 * @param checkEntry whether the script may return the entry (false when the stored one is unreadable)
	 */
	Outcome acquireOrWait(String entryKey, boolean checkEntry) {
		Lease mine = this.held.get(entryKey);
		if (mine != null && mine.thread == Thread.currentThread()) {
			// a cached method calling itself with the same key: waiting would wait for ourselves
			return Outcome.ON_YOUR_OWN;
		}
		byte[] entryKeyBytes = CacheCommands.utf8(entryKey);
		long start = System.nanoTime();
		long deadline = start + this.scope.policy.maxWait().toNanos();
		long poll = 0;
		boolean waited = false;
		boolean returnEntry = checkEntry;
		while (true) {
			Flight flight = this.scope.flights.join(entryKey);
			try {
				Lease lease = newLease(entryKey);
				Acquired acquired;
				try {
					acquired = this.scope.runtime.connector.await(this.scope.commands().acquire(entryKeyBytes,
							lease.leaseKey, lease.token, this.scope.lockTimeoutMillis, returnEntry),
							this.scope.policy.timeout());
				}
				catch (RedisPatternsException ex) {
					this.scope.unavailable(Operation.READ, ex);
					return waitEnded(waited, start, WaitOutcome.TAKEN_OVER, Outcome.UNAVAILABLE);
				}
				if (acquired.entry() != null) {
					StoredValue stored = this.scope.decode(acquired.entry());
					if (stored != null) {
						return waitEnded(waited, start, WaitOutcome.VALUE, Outcome.value(stored.value()));
					}
					returnEntry = false;
					continue;
				}
				if (acquired.leased()) {
					hold(lease);
					return waitEnded(waited, start, WaitOutcome.TAKEN_OVER, Outcome.leased(lease));
				}
				waited = true;
				this.channel.ensureSubscribed();
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return waitEnded(true, start, WaitOutcome.TIMED_OUT, Outcome.ON_YOUR_OWN);
				}
				poll = nextPoll(poll);
				Signal signal;
				try {
					signal = flight.await(Math.min(poll, remaining));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return waitEnded(true, start, WaitOutcome.TIMED_OUT, Outcome.ON_YOUR_OWN);
				}
				if (signal != null) {
					returnEntry = true;
					Outcome woken = woken(signal);
					if (woken != null) {
						return waitEnded(true, start,
								(woken.kind == Outcome.VALUE) ? WaitOutcome.VALUE : WaitOutcome.TAKEN_OVER, woken);
					}
				}
			}
			finally {
				this.scope.flights.leave(entryKey, flight);
			}
		}
	}

	/** {@link #acquireOrWait} without blocking a thread, for {@code retrieve}. */
	CompletableFuture<Outcome> acquireOrWaitAsync(String entryKey, boolean checkEntry) {
		return new AsyncWait(entryKey, checkEntry).start();
	}

	/** The next poll interval: doubling from a start that depends on whether messages can arrive. */
	private long nextPoll(long previous) {
		if (previous == 0) {
			return this.channel.isSubscribed() ? SUBSCRIBED_POLL_NANOS : UNSUBSCRIBED_POLL_NANOS;
		}
		long next = Math.min(previous * 2, MAX_POLL_NANOS);
		return this.channel.isSubscribed() ? Math.max(next, SUBSCRIBED_POLL_NANOS) : Math.min(next, SUBSCRIBED_POLL_NANOS);
	}

	/** What a wake-up means: the value (stored here), "load yourself", or {@code null} to try again. */
	private @Nullable Outcome woken(Signal signal) {
		if (signal.entry() != null) {
			StoredValue stored = this.scope.decode(signal.entry());
			if (stored != null) {
				return Outcome.value(stored.value());
			}
		}
		return (signal.type() == CacheMessage.SKIPPED) ? Outcome.ON_YOUR_OWN : null;
	}

	private Outcome waitEnded(boolean waited, long start, WaitOutcome outcome, Outcome result) {
		if (waited) {
			this.scope.listener.stampedeWait(this.scope.name, System.nanoTime() - start, outcome);
		}
		return result;
	}

	private final class AsyncWait {

		private final String entryKey;

		private final byte[] entryKeyBytes;

		private final long start = System.nanoTime();

		private final long deadline;

		private final CompletableFuture<Outcome> result = new CompletableFuture<>();

		private long poll;

		private boolean waited;

		private boolean returnEntry;

		AsyncWait(String entryKey, boolean checkEntry) {
			this.entryKey = entryKey;
			this.entryKeyBytes = CacheCommands.utf8(entryKey);
			this.deadline = this.start + CacheLeases.this.scope.policy.maxWait().toNanos();
			this.returnEntry = checkEntry;
		}

		CompletableFuture<Outcome> start() {
			attempt();
			return this.result;
		}

		private void attempt() {
			CacheScope scope = CacheLeases.this.scope;
			Flight flight = scope.flights.join(this.entryKey);
			Lease lease = newLease(this.entryKey);
			try {
				scope.timed(scope.commands().acquire(this.entryKeyBytes, lease.leaseKey, lease.token,
						scope.lockTimeoutMillis, this.returnEntry))
					.whenCompleteAsync((acquired, failure) -> acquired(flight, lease, acquired, failure),
							scope.runtime.asyncExecutor);
			}
			catch (RuntimeException ex) {
				acquired(flight, lease, null, ex);
			}
		}

		private void acquired(Flight flight, Lease lease, @Nullable Acquired acquired, @Nullable Throwable failure) {
			CacheScope scope = CacheLeases.this.scope;
			try {
				if (failure != null || acquired == null) {
					leave(flight);
					scope.unavailable(Operation.READ, failure);
					finish(WaitOutcome.TAKEN_OVER, Outcome.UNAVAILABLE);
					return;
				}
				if (acquired.entry() != null) {
					leave(flight);
					StoredValue stored = scope.decode(acquired.entry());
					if (stored != null) {
						finish(WaitOutcome.VALUE, Outcome.value(stored.value()));
					}
					else {
						this.returnEntry = false;
						attempt();
					}
					return;
				}
				if (acquired.leased()) {
					leave(flight);
					hold(lease);
					finish(WaitOutcome.TAKEN_OVER, Outcome.leased(lease));
					return;
				}
				this.waited = true;
				CacheLeases.this.channel.ensureSubscribed();
				long remaining = this.deadline - System.nanoTime();
				if (remaining <= 0) {
					leave(flight);
					finish(WaitOutcome.TIMED_OUT, Outcome.ON_YOUR_OWN);
					return;
				}
				this.poll = nextPoll(this.poll);
				long delay = Math.min(this.poll, remaining);
				flight.future.applyToEither(scope.runtime.<Signal>delay(delay), (signal) -> signal)
					.whenCompleteAsync((signal, ex) -> {
						leave(flight);
						signalled(signal);
					}, scope.runtime.asyncExecutor);
			}
			catch (Throwable ex) {
				leave(flight);
				finish(WaitOutcome.TAKEN_OVER, Outcome.UNAVAILABLE);
			}
		}

		private void signalled(@Nullable Signal signal) {
			if (signal != null) {
				this.returnEntry = true;
				Outcome woken = woken(signal);
				if (woken != null) {
					finish((woken.kind == Outcome.VALUE) ? WaitOutcome.VALUE : WaitOutcome.TAKEN_OVER, woken);
					return;
				}
			}
			attempt();
		}

		private void leave(Flight flight) {
			CacheLeases.this.scope.flights.leave(this.entryKey, flight);
		}

		private void finish(WaitOutcome outcome, Outcome outcomeResult) {
			waitEnded(this.waited, this.start, outcome, outcomeResult);
			this.result.complete(outcomeResult);
		}

	}

	/** How a caller's attempt on a cold key ended. */
	static final class Outcome {

		/** Another caller's value arrived. */
		static final int VALUE = 0;

		/** This caller holds the lease: it loads and stores. */
		static final int LEASED = 1;

		/** No value and no lease (waited too long, or the holder's result is not cached): load, then store. */
		static final int LOAD = 2;

		/** Redis could not be asked: load without storing. */
		static final int LOAD_ONLY = 3;

		static final Outcome ON_YOUR_OWN = new Outcome(LOAD, null, null);

		static final Outcome UNAVAILABLE = new Outcome(LOAD_ONLY, null, null);

		final int kind;

		final @Nullable Object value;

		final @Nullable Lease lease;

		private Outcome(int kind, @Nullable Object value, @Nullable Lease lease) {
			this.kind = kind;
			this.value = value;
			this.lease = lease;
		}

		static Outcome value(@Nullable Object value) {
			return new Outcome(VALUE, value, null);
		}

		static Outcome leased(Lease lease) {
			return new Outcome(LEASED, null, lease);
		}

	}

}
