package dev.redispatterns.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * The remembered miss also tells the cache that the {@code put} which follows is this load's fill, not an
 * application's write: the fill stores only if the key was not written, evicted or cleared since the
 * miss, while a write always stores.
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
	 * Binds a background refresh of {@code target} to this thread: reads miss (the refresh holds the
	 * lease) so the method runs, and its put fills under the refresh's lease.
	 */
	static CacheInvocation openRefresh(Pending target) {
		CacheInvocation invocation = new CacheInvocation(CURRENT.get(), null, false, true);
		invocation.pending = new ArrayList<>(2);
		invocation.pending.add(target);
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
	 * observation of the load the method now does). Returns it, or {@code null} when the invocation had
	 * ended already (the miss is settled at once).
	 */
	@Nullable Pending register(RedisPatternsCache cache, String entryKey, Object key, @Nullable Lease lease,
			@Nullable Observation observation) {
		Pending miss = new Pending(cache, entryKey, key, lease, System.nanoTime(), observation);
		synchronized (this) {
			if (!this.completed) {
				if (this.pending == null) {
					this.pending = new ArrayList<>(2);
				}
				this.pending.add(miss);
				return miss;
			}
		}
		cache.settle(miss, false);
		return null;
	}

	/** The misses this invocation answered so far. */
	synchronized List<Pending> misses() {
		return (this.pending != null) ? new ArrayList<>(this.pending) : List.of();
	}

	/** The miss of {@code entryKey} this invocation answers, or {@code null}. */
	synchronized @Nullable Pending find(RedisPatternsCache cache, String entryKey) {
		if (this.pending != null) {
			for (Pending miss : this.pending) {
				if (miss.cache() == cache && miss.entryKey().equals(entryKey)) {
					return miss;
				}
			}
		}
		return null;
	}

	/** Claims the miss of {@code entryKey} for the put that stores its value; {@code null} if none is left. */
	synchronized @Nullable Pending claim(RedisPatternsCache cache, String entryKey) {
		if (this.pending != null) {
			for (Pending miss : this.pending) {
				if (miss.cache() == cache && miss.entryKey().equals(entryKey) && miss.claim()) {
					return miss;
				}
			}
		}
		return null;
	}

	/**
	 * A miss answered inside an invocation: the key object Spring will put with, the lease its fill stores
	 * under ({@code null}: the load may not store, Redis could not be asked when it began), and whether a put
	 * has claimed it.
	 */
	static final class Pending {

		private final RedisPatternsCache cache;

		private final String entryKey;

		private final Object key;

		private final @Nullable Lease lease;

		private final long startedNanos;

		private final @Nullable Observation observation;

		private final AtomicBoolean claimed = new AtomicBoolean();

		Pending(RedisPatternsCache cache, String entryKey, Object key, @Nullable Lease lease, long startedNanos,
				@Nullable Observation observation) {
			this.cache = cache;
			this.entryKey = entryKey;
			this.key = key;
			this.lease = lease;
			this.startedNanos = startedNanos;
			this.observation = observation;
		}

		RedisPatternsCache cache() {
			return this.cache;
		}

		String entryKey() {
			return this.entryKey;
		}

		Object key() {
			return this.key;
		}

		@Nullable Lease lease() {
			return this.lease;
		}

		long startedNanos() {
			return this.startedNanos;
		}

		@Nullable Observation observation() {
			return this.observation;
		}

		boolean claim() {
			return this.claimed.compareAndSet(false, true);
		}

		boolean claimed() {
			return this.claimed.get();
		}

	}

}
