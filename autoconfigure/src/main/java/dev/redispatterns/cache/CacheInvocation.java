package dev.redispatterns.cache;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * One invocation of a {@code @Cacheable} method, bound to the calling thread by
 * {@link CacheInvocationInterceptor} just outside Spring's cache interceptor.
 * <p>
 * For a plain {@code @Cacheable}, Spring calls {@code get(key)}, runs the method and calls
 * {@code put(key, value)}; it never tells the cache that the method failed or that {@code unless}
 * skipped the put. Inside an invocation a miss may therefore take the loading lease, and the invocation
 * remembers it: when the invocation ends without the value having been stored, the lease is released at
 * once (waiters retry after a failure, load themselves after a skipped put). Outside an invocation,
 * {@code get(key)} is a plain lookup and takes no lease.
 * <p>
 * The invocation can also carry a replay of the method (a clone of the AOP invocation taken before it
 * proceeded), which refresh-ahead runs in the background to recompute an entry of a plain
 * {@code @Cacheable}.
 */
final class CacheInvocation {

	private static final ThreadLocal<CacheInvocation> CURRENT = new ThreadLocal<>();

	private final @Nullable CacheInvocation outer;

	private final @Nullable Replay replay;

	private final boolean asyncResult;

	private final boolean refreshing;

	private @Nullable List<Pending> pending;

	private boolean completed;

	private CacheInvocation(@Nullable CacheInvocation outer, @Nullable Replay replay, boolean asyncResult,
			boolean refreshing) {
		this.outer = outer;
		this.replay = replay;
		this.asyncResult = asyncResult;
		this.refreshing = refreshing;
	}

	/** Runs the method again through the rest of the advice chain. */
	@FunctionalInterface
	interface Replay {

		@Nullable Object proceed() throws Throwable;

	}

	static @Nullable CacheInvocation current() {
		return CURRENT.get();
	}

	/**
	 * Binds a new invocation to this thread.
	 * @param replay how to run the method again for a background refresh, if refreshes are needed
	 * @param asyncResult whether the method returns a {@code CompletableFuture} (its end is the future's)
	 */
	static CacheInvocation open(@Nullable Replay replay, boolean asyncResult) {
		CacheInvocation invocation = new CacheInvocation(CURRENT.get(), replay, asyncResult, false);
		CURRENT.set(invocation);
		return invocation;
	}

	/**
	 * Binds a background refresh to this thread: reads miss without a lease (the refresh holds it) so the
	 * method runs, and writes go through as usual.
	 */
	static CacheInvocation openRefresh() {
		CacheInvocation invocation = new CacheInvocation(CURRENT.get(), null, false, true);
		CURRENT.set(invocation);
		return invocation;
	}

	boolean refreshing() {
		return this.refreshing;
	}

	boolean asyncResult() {
		return this.asyncResult;
	}

	@Nullable Replay replay() {
		return this.replay;
	}

	/** Unbinds this invocation from the thread; its leases stay open until {@link #complete}. */
	void detach() {
		if (CURRENT.get() == this) {
			if (this.outer != null) {
				CURRENT.set(this.outer);
			}
			else {
				CURRENT.remove();
			}
		}
	}

	/** Unbinds and completes. */
	void close(boolean failed) {
		detach();
		complete(failed);
	}

	/** Settles every miss of this invocation whose value was not stored. */
	void complete(boolean failed) {
		List<Pending> settle;
		synchronized (this) {
			settle = this.pending;
			this.pending = null;
			this.completed = true;
		}
		if (settle != null) {
			for (Pending miss : settle) {
				miss.cache().settle(miss, failed);
			}
		}
	}

	/**
	 * Remembers a miss answered inside this invocation (with the lease taken for it, if any, and the
	 * observation of the load the method now does).
	 */
	void register(RedisPatternsCache cache, String entryKey, @Nullable Lease lease,
			@Nullable Observation observation) {
		Pending miss = new Pending(cache, entryKey, lease, System.nanoTime(), observation);
		synchronized (this) {
			if (!this.completed) {
				if (this.pending == null) {
					this.pending = new ArrayList<>(2);
				}
				this.pending.add(miss);
				return;
			}
		}
		cache.settle(miss, false);
	}

	/** When the pending miss of {@code entryKey} started, or -1. */
	synchronized long missStartedNanos(RedisPatternsCache cache, String entryKey) {
		if (this.pending != null) {
			for (Pending miss : this.pending) {
				if (miss.cache() == cache && miss.entryKey().equals(entryKey)) {
					return miss.startedNanos();
				}
			}
		}
		return -1;
	}

	/** A miss answered inside an invocation. */
	record Pending(RedisPatternsCache cache, String entryKey, @Nullable Lease lease, long startedNanos,
			@Nullable Observation observation) {

	}

}
