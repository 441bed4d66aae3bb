package dev.redispatterns.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * The callers of this instance waiting for another caller's load, by entry key. All waiters of one key
 * share one future, completed by the message that announces the key's fate (or directly by a load that
 * finished in this instance, with the stored bytes), so a wake-up costs no Redis command of its own.
 */
final class Flights {

	private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

	/** Joins the current flight of {@code key}, creating it if needed. Always {@link #leave} afterwards. */
	Flight join(String key) {
		return this.flights.compute(key, (k, flight) -> {
			Flight joined = (flight != null) ? flight : new Flight();
			joined.waiting++;
			return joined;
		});
	}

	void leave(String key, Flight flight) {
		this.flights.computeIfPresent(key, (k, current) -> {
			if (current == flight && --current.waiting == 0) {
				return null;
			}
			return current;
		});
	}

	/** Wakes every waiter of {@code key}. Never blocks; safe on a Redis I/O thread. */
	void signal(String key, Signal signal) {
		Flight flight = this.flights.remove(key);
		if (flight != null) {
			flight.future.complete(signal);
		}
	}

	/** Wakes every waiter of every key (the cache was cleared). */
	void signalAll(Signal signal) {
		for (String key : this.flights.keySet()) {
			signal(key, signal);
		}
	}

	int size() {
		return this.flights.size();
	}

	/** Why waiters were woken, with the entry when it was stored by this instance. */
	record Signal(byte type, byte @Nullable [] entry) {

		static final Signal FILLED_ELSEWHERE = new Signal(CacheMessage.FILLED, null);

		static final Signal RETRY = new Signal(CacheMessage.RETRY, null);

		static final Signal SKIPPED = new Signal(CacheMessage.SKIPPED, null);

		static Signal of(byte type) {
			return switch (type) {
				case CacheMessage.SKIPPED -> SKIPPED;
				case CacheMessage.FILLED -> FILLED_ELSEWHERE;
				default -> RETRY;
			};
		}

	}

	static final class Flight {

		final CompletableFuture<Signal> future = new CompletableFuture<>();

		/** Guarded by the map's per-key lock (only changed inside compute). */
		int waiting;

		/** Waits at most {@code nanos}; {@code null} when the time passed without a signal. */
		@Nullable Signal await(long nanos) throws InterruptedException {
			try {
				return this.future.get(nanos, TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				return null;
			}
			catch (ExecutionException ex) {
				return Signal.RETRY;
			}
		}

	}

}
