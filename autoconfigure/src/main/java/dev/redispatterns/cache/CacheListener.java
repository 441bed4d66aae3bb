package dev.redispatterns.cache;

import java.util.List;

/**
 * What the caches report as they work, for metrics and diagnostics. Every method has a no-op default
 * and is called on the hot path (possibly on a Redis I/O thread): implementations must be fast and must
 * not block. Cache names are the only identifiers passed, never keys.
 */
public interface CacheListener {

	/** A listener that ignores everything. */
	CacheListener NONE = new CacheListener() {
	};

	/** How a read was answered. */
	enum Result {

		/** Found in Redis. */
		HIT,

		/** Found in the in-process near cache. */
		NEAR_HIT,

		/** Found in Redis past its time to live, inside the stale-while-revalidate window. */
		STALE,

		/** Not found (or unreadable, or Redis unavailable): the method runs or another caller's load is awaited. */
		MISS

	}

	/** How a wait for another caller's load ended. */
	enum WaitOutcome {

		/** The value arrived. */
		VALUE,

		/** The holder gave up (failed, or did not store a value): this caller took over or loaded itself. */
		TAKEN_OVER,

		/** Waited for {@code stampede.max-wait} without a value: this caller loaded itself. */
		TIMED_OUT

	}

	/** How a background refresh ended. */
	enum RefreshOutcome {

		SUCCESS, FAILURE,

		/** The refresh pool was busy; the entry keeps its current value. */
		REJECTED

	}

	/** Which operation could not reach Redis. */
	enum Operation {

		READ, WRITE, EVICT

	}

	/** Why a stored entry could not be read. */
	enum DecodeFailure {

		/** Not an entry this cache wrote (garbage, truncated, another format). */
		CORRUPT,

		/** The entry names a type outside the codec allow-list. */
		TYPE_NOT_ALLOWED,

		/**
		 * An encrypted entry failed authentication (changed, copied from another key, or sealed with a key
		 * that is not configured), or an unencrypted entry was found in a cache that encrypts.
		 */
		NOT_AUTHENTIC

	}

	default void onRequest(String cache, Result result) {
	}

	/** A value is being written (a put, or the result of a load); written or not, as Spring's caches count puts. */
	default void onPut(String cache) {
	}

	/** The cache saw a value being loaded, with how long it took and whether it succeeded. */
	default void onLoad(String cache, long nanos, boolean success) {
	}

	/** A caller waited for another caller's load. */
	default void onStampedeWait(String cache, long nanos, WaitOutcome outcome) {
	}

	default void onRefresh(String cache, RefreshOutcome outcome) {
	}

	/** An entry (or, with {@code all}, the whole cache) was evicted. */
	default void onEviction(String cache, boolean all) {
	}

	default void onDecodeFailure(String cache, DecodeFailure reason) {
	}

	/** Redis could not be reached or did not answer in time; the cache fell back. */
	default void onUnavailable(String cache, Operation operation) {
	}

	/** One listener that forwards to all of {@code listeners}. */
	static CacheListener composite(List<? extends CacheListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		List<CacheListener> all = List.copyOf(listeners);
		return new CacheListener() {

			@Override
			public void onRequest(String cache, Result result) {
				all.forEach((listener) -> listener.onRequest(cache, result));
			}

			@Override
			public void onPut(String cache) {
				all.forEach((listener) -> listener.onPut(cache));
			}

			@Override
			public void onLoad(String cache, long nanos, boolean success) {
				all.forEach((listener) -> listener.onLoad(cache, nanos, success));
			}

			@Override
			public void onStampedeWait(String cache, long nanos, WaitOutcome outcome) {
				all.forEach((listener) -> listener.onStampedeWait(cache, nanos, outcome));
			}

			@Override
			public void onRefresh(String cache, RefreshOutcome outcome) {
				all.forEach((listener) -> listener.onRefresh(cache, outcome));
			}

			@Override
			public void onEviction(String cache, boolean everything) {
				all.forEach((listener) -> listener.onEviction(cache, everything));
			}

			@Override
			public void onDecodeFailure(String cache, DecodeFailure reason) {
				all.forEach((listener) -> listener.onDecodeFailure(cache, reason));
			}

			@Override
			public void onUnavailable(String cache, Operation operation) {
				all.forEach((listener) -> listener.onUnavailable(cache, operation));
			}

		};
	}

}
