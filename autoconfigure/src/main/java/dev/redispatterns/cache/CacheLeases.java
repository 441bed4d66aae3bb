package dev.redispatterns.cache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.CacheCommands.Acquired;
import dev.redispatterns.cache.CacheEntryCodec.StoredValue;
import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.cache.CacheListener.WaitOutcome;
import dev.redispatterns.cache.Flights.Flight;
import dev.redispatterns.cache.Flights.Signal;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.internal.PatternObservations;

/**
 * Single-flight loading of one cache and the right of loads to store: the loads in flight in this instance
 * with their fill tickets, the loading leases this instance holds, and the wait of callers that found a
 * lease taken by another caller (in this instance or any other).
 * <p>
 * A caller registers with the key's {@link Flights flight} first, then runs one script that returns the
 * entry if it landed meanwhile or hands out the key's fill ticket and takes the lease ({@code SET NX PX});
 * if another caller holds it, the caller waits for the message the holder's write or release publishes
 * and runs the script once more. That is about three commands per waiting caller. A poll covers lost
 * messages and crashed holders: every 0.5 to 1 s while the channel subscription is confirmed (messages are
 * lost only when its connection drops), every 50 to 500 ms before. A lease whose holder died expires after
 * {@code lock-timeout} and the next poll takes it over. Leases and tickets of the loads running here are
 * renewed while they run.
 */
final class CacheLeases {

	private static final long UNSUBSCRIBED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long SUBSCRIBED_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final long MAX_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final CacheScope scope;

	private final CacheChannel channel;

	/** The loading leases held here, by entry key. */
	private final Map<String, Lease> held = new ConcurrentHashMap<>();

	/** Every load running here that may still store (with a lease or not). */
	private final Set<Lease> loading = ConcurrentHashMap.newKeySet();

	CacheLeases(CacheScope scope, CacheChannel channel) {
		this.scope = scope;
		this.channel = channel;
	}

	/** Starts tracking a load that got the key's {@code ticket} (and the lease, when {@code token} is given). */
	Lease open(String entryKey, CacheCommands.Keys keys, byte @Nullable [] token, byte[] ticket) {
		Lease lease = new Lease(entryKey, keys, token, ticket);
		this.loading.add(lease);
		if (token != null) {
			this.held.put(entryKey, lease);
		}
		return lease;
	}

	boolean holds(String entryKey) {
		return this.held.containsKey(entryKey);
	}

	/**
	 * Stops tracking {@code lease}: its load is about to store, or gave up. Returns whether it was still
	 * tracked, so that only one party settles it.
	 */
	boolean finish(Lease lease) {
		boolean pending = this.loading.remove(lease);
		if (lease.exclusive()) {
			this.held.remove(lease.entryKey, lease);
		}
		return pending;
	}

	/**
	 * Gives a lease back without a value and wakes its waiters: after a failure one of them takes over
	 * ({@link CacheMessage#RETRY}); when the value is just not cached they load themselves
	 * ({@link CacheMessage#SKIPPED}). Local waiters are woken at once; the release goes out without
	 * waiting (the same connection carries their next command, after it).
	 */
	void release(Lease lease, byte type) {
		byte[] token = lease.token;
		if (token == null) {
			return;
		}
		this.scope.flights.signal(lease.entryKey, Signal.of(type));
		if (!this.scope.connected()) {
			return;
		}
		try {
			this.scope.commands()
				.release(lease.keys.lease(), token, this.scope.channel, this.scope.message(type, lease.entryKey))
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

	/** Ends {@code lease} without a value, releasing it, unless it was settled already. */
	void releaseIfPending(Lease lease, byte type) {
		if (finish(lease)) {
			release(lease, type);
		}
	}

	/** Called when the invocation that answered a miss ends: releases the lease if nothing was stored. */
	void settle(CacheInvocation.Pending miss, boolean failed) {
		this.scope.listener.onLoad(this.scope.name, System.nanoTime() - miss.startedNanos(), !failed);
		Observation observation = miss.observation();
		if (observation != null) {
			PatternObservations.stop(observation, failed ? "failure" : "success", null);
		}
		Lease lease = miss.lease();
		if (lease != null && !miss.claimed()) {
			releaseIfPending(lease, failed ? CacheMessage.RETRY : CacheMessage.SKIPPED);
		}
	}

	/**
	 * Extends the leases and tickets of the loads running here; stops renewing leases held absurdly long
	 * (their waiters load themselves by then), but not the tickets: a slow load may still store.
	 */
	void renew() {
		long now = System.nanoTime();
		long renewEvery = this.scope.policy.lockTimeout().toNanos() / 3;
		long abandonAfter = this.scope.policy.maxWait().toNanos() + this.scope.policy.lockTimeout().toNanos();
		for (Lease lease : this.loading) {
			if (lease.exclusive() && !lease.leaseAbandoned && now - lease.acquiredNanos > abandonAfter) {
				lease.leaseAbandoned = true;
				this.held.remove(lease.entryKey, lease);
			}
			if (now - lease.renewedNanos >= renewEvery && this.scope.connected()) {
				lease.renewedNanos = now;
				try {
					this.scope.commands()
						.renew(lease.keys, lease.leaseAbandoned ? null : lease.token, lease.ticket,
								this.scope.lockTimeoutMillis);
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
	 * @param takeLease whether to take the lease and wait for its holder (single flight), or only get the
	 * key's fill ticket
	 */
	Outcome acquireOrWait(String entryKey, boolean checkEntry, boolean takeLease) {
		Lease mine = this.held.get(entryKey);
		if (mine != null && mine.thread == Thread.currentThread()) {
			// a cached method calling itself with the same key: waiting would wait for ourselves
			return Outcome.load(open(entryKey, mine.keys, null, mine.ticket));
		}
		CacheCommands.Keys keys = CacheCommands.Keys.of(entryKey);
		long start = System.nanoTime();
		long deadline = start + this.scope.policy.maxWait().toNanos();
		long poll = 0;
		boolean waited = false;
		boolean returnEntry = checkEntry;
		while (true) {
			Flight flight = takeLease ? this.scope.flights.join(entryKey) : null;
			try {
				byte[] token = takeLease ? this.scope.runtime.newToken() : null;
				Acquired acquired;
				try {
					acquired = this.scope.runtime.connector.await(this.scope.commands().acquire(keys, token,
							this.scope.runtime.newToken(), this.scope.lockTimeoutMillis, returnEntry),
							this.scope.policy.timeout());
				}
				catch (RedisPatternsException ex) {
					this.scope.unavailable(Operation.READ, ex);
					return waitEnded(waited, start, WaitOutcome.TAKEN_OVER, Outcome.UNAVAILABLE);
				}
				if (acquired.entry() != null) {
					StoredValue stored = this.scope.entries.decode(entryKey, acquired.entry());
					if (stored != null) {
						return waitEnded(waited, start, WaitOutcome.VALUE, Outcome.value(stored.value()));
					}
					returnEntry = false;
					continue;
				}
				byte[] ticket = acquired.ticket();
				if (acquired.leased() || flight == null) {
					return waitEnded(waited, start, WaitOutcome.TAKEN_OVER,
							Outcome.load(open(entryKey, keys, acquired.leased() ? token : null, ticket)));
				}
				waited = true;
				this.channel.ensureSubscribed();
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return waitEnded(true, start, WaitOutcome.TIMED_OUT, Outcome.load(open(entryKey, keys, null, ticket)));
				}
				poll = nextPoll(poll);
				Signal signal;
				try {
					signal = flight.await(Math.min(poll, remaining));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return waitEnded(true, start, WaitOutcome.TIMED_OUT, Outcome.load(open(entryKey, keys, null, ticket)));
				}
				if (signal != null) {
					returnEntry = true;
					Outcome woken = woken(signal, entryKey, keys, ticket);
					if (woken != null) {
						return waitEnded(true, start,
								(woken.kind == Outcome.VALUE) ? WaitOutcome.VALUE : WaitOutcome.TAKEN_OVER, woken);
					}
				}
			}
			finally {
				if (flight != null) {
					this.scope.flights.leave(entryKey, flight);
				}
			}
		}
	}

	/** {@link #acquireOrWait} without blocking a thread, for {@code retrieve}. */
	CompletableFuture<Outcome> acquireOrWaitAsync(String entryKey, boolean checkEntry, boolean takeLease) {
		Lease mine = this.held.get(entryKey);
		if (mine != null && mine.thread == Thread.currentThread()) {
			return CompletableFuture.completedFuture(Outcome.load(open(entryKey, mine.keys, null, mine.ticket)));
		}
		return new AsyncWait(entryKey, checkEntry, takeLease).start();
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
	private @Nullable Outcome woken(Signal signal, String entryKey, CacheCommands.Keys keys, byte[] ticket) {
		if (signal.entry() != null) {
			StoredValue stored = this.scope.entries.decode(entryKey, signal.entry());
			if (stored != null) {
				return Outcome.value(stored.value());
			}
		}
		return (signal.type() == CacheMessage.SKIPPED) ? Outcome.load(open(entryKey, keys, null, ticket)) : null;
	}

	private Outcome waitEnded(boolean waited, long start, WaitOutcome outcome, Outcome result) {
		if (waited) {
			this.scope.listener.onStampedeWait(this.scope.name, System.nanoTime() - start, outcome);
		}
		return result;
	}

	private final class AsyncWait {

		private final String entryKey;

		private final CacheCommands.Keys keys;

		private final boolean takeLease;

		private final long start = System.nanoTime();

		private final long deadline;

		private final CompletableFuture<Outcome> result = new CompletableFuture<>();

		private long poll;

		private boolean waited;

		private boolean returnEntry;

		AsyncWait(String entryKey, boolean checkEntry, boolean takeLease) {
			this.entryKey = entryKey;
			this.keys = CacheCommands.Keys.of(entryKey);
			this.takeLease = takeLease;
			this.deadline = this.start + CacheLeases.this.scope.policy.maxWait().toNanos();
			this.returnEntry = checkEntry;
		}

		CompletableFuture<Outcome> start() {
			attempt();
			return this.result;
		}

		private void attempt() {
			CacheScope scope = CacheLeases.this.scope;
			Flight flight = this.takeLease ? scope.flights.join(this.entryKey) : null;
			byte[] token = this.takeLease ? scope.runtime.newToken() : null;
			try {
				scope.timed(scope.commands().acquire(this.keys, token, scope.runtime.newToken(), scope.lockTimeoutMillis,
						this.returnEntry))
					.whenCompleteAsync((acquired, failure) -> acquired(flight, token, acquired, failure),
							scope.runtime.asyncExecutor);
			}
			catch (RuntimeException ex) {
				acquired(flight, token, null, ex);
			}
		}

		private void acquired(@Nullable Flight flight, byte @Nullable [] token, @Nullable Acquired acquired,
				@Nullable Throwable failure) {
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
					StoredValue stored = scope.entries.decode(this.entryKey, acquired.entry());
					if (stored != null) {
						finish(WaitOutcome.VALUE, Outcome.value(stored.value()));
					}
					else {
						this.returnEntry = false;
						attempt();
					}
					return;
				}
				byte[] ticket = acquired.ticket();
				if (acquired.leased() || flight == null) {
					leave(flight);
					finish(WaitOutcome.TAKEN_OVER,
							Outcome.load(open(this.entryKey, this.keys, acquired.leased() ? token : null, ticket)));
					return;
				}
				this.waited = true;
				CacheLeases.this.channel.ensureSubscribed();
				long remaining = this.deadline - System.nanoTime();
				if (remaining <= 0) {
					leave(flight);
					finish(WaitOutcome.TIMED_OUT, Outcome.load(open(this.entryKey, this.keys, null, ticket)));
					return;
				}
				this.poll = nextPoll(this.poll);
				long delay = Math.min(this.poll, remaining);
				flight.future.applyToEither(scope.runtime.<Signal>delay(delay), (signal) -> signal)
					.whenCompleteAsync((signal, ex) -> {
						leave(flight);
						signalled(signal, ticket);
					}, scope.runtime.asyncExecutor);
			}
			catch (Throwable ex) {
				leave(flight);
				finish(WaitOutcome.TAKEN_OVER, Outcome.UNAVAILABLE);
			}
		}

		private void signalled(@Nullable Signal signal, byte[] ticket) {
			if (signal != null) {
				this.returnEntry = true;
				Outcome woken = woken(signal, this.entryKey, this.keys, ticket);
				if (woken != null) {
					finish((woken.kind == Outcome.VALUE) ? WaitOutcome.VALUE : WaitOutcome.TAKEN_OVER, woken);
					return;
				}
			}
			attempt();
		}

		private void leave(@Nullable Flight flight) {
			if (flight != null) {
				CacheLeases.this.scope.flights.leave(this.entryKey, flight);
			}
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

		/** This caller loads; it may store the result when it has a {@link #lease}. */
		static final int LOAD = 1;

		/** Redis could not be asked: load without storing. */
		static final Outcome UNAVAILABLE = new Outcome(LOAD, null, null);

		final int kind;

		final @Nullable Object value;

		/** The load's lease: its fill ticket, and the loading lease when others wait for this caller. */
		final @Nullable Lease lease;

		private Outcome(int kind, @Nullable Object value, @Nullable Lease lease) {
			this.kind = kind;
			this.value = value;
			this.lease = lease;
		}

		static Outcome value(@Nullable Object value) {
			return new Outcome(VALUE, value, null);
		}

		static Outcome load(Lease lease) {
			return new Outcome(LOAD, null, lease);
		}

	}

}
