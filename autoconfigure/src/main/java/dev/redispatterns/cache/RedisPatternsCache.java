package dev.redispatterns.cache;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

import dev.redispatterns.cache.CacheInvocation.Pending;
import dev.redispatterns.cache.CacheLeases.Outcome;
import dev.redispatterns.cache.CacheReads.Lookup;

/**
 * One named cache: a Spring {@link Cache} on Redis with single-flight loading across instances,
 * refresh-ahead, null caching, an optional near cache and graceful degradation.
 * <p>
 * A hit is one {@code GET} (none with a near-cache hit). On a miss one caller across all instances takes
 * a short lease and loads; the others wait for its value ({@link CacheLeases}).
 * {@code get(key, Callable)} ({@code @Cacheable(sync = true)}) and {@code retrieve} load inside the cache;
 * a plain {@code @Cacheable} loads between {@code get(key)} and {@code put(key, value)}, with
 * {@link CacheInvocation} releasing the lease when the method fails or its result is not stored.
 * <p>
 * Every load gets the key's fill ticket before it runs ({@link CacheCommands}), and its value is stored only
 * if no put, eviction, clear or other fill of the key happened since: a load never overwrites a newer
 * write with what it read before. A put is a load's fill when it answers a miss of the same invocation
 * (or, for {@code CompletableFuture} methods, carries the very key object of that miss); otherwise it is
 * a write and always stores.
 * <p>
 * Redis being unreachable (or slower than {@code timeout}) is never an error for the caller: reads miss
 * so the method runs, writes are skipped, both are logged (rate-limited) and reported to the listener.
 * <p>
 * This class adapts Spring's {@link Cache} contract; lookups are {@link CacheReads}, loads
 * {@link CacheLoads}, fills, writes and evictions {@link CacheWrites}, the misses a put may fill
 * {@link CacheMisses}.
 */
public final class RedisPatternsCache implements Cache {

	private final CacheScope scope;

	private final CacheChannel channel;

	private final CacheLeases leases;

	private final BackgroundRefresh refresh;

	private final CacheWrites writes;

	private final CacheLoads loads;

	private final CacheMisses misses;

	private final CacheReads reads;

	/** <code>prefix:cache:{name:</code>, computed once. */
	private final String entryKeyPrefix;

	RedisPatternsCache(String name, CachePolicy policy, CacheRuntime runtime) {
		this.scope = new CacheScope(name, policy, runtime);
		this.channel = new CacheChannel(this.scope, this::storedElsewhere);
		this.leases = new CacheLeases(this.scope, this.channel);
		this.refresh = new BackgroundRefresh(this.scope, this.leases);
		this.entryKeyPrefix = CacheKeys.entryKeyPrefix(runtime.keys.prefix(), name);
		this.writes = new CacheWrites(this.scope, this.channel, this.leases, CacheKeys.scanPattern(this.entryKeyPrefix));
		this.loads = new CacheLoads(this.scope, this.leases, this.writes);
		this.misses = new CacheMisses(this, this.loads);
		this.reads = new CacheReads(this, this.scope, this.channel, this.refresh, this.writes);
	}

	@Override
	public String getName() {
		return this.scope.name;
	}

	/** The cache itself: there is no other native cache object. */
	@Override
	public Object getNativeCache() {
		return this;
	}

	public CachePolicy policy() {
		return this.scope.policy;
	}

	/** Name of the channel carrying this cache's wake-ups and invalidations. */
	public String channel() {
		return this.scope.channelName;
	}

	/** Whether the cache's channel subscription is confirmed (until then waiters poll). */
	public boolean isSubscribed() {
		return this.channel.isSubscribed();
	}

	/**
	 * The Redis key of the entry for {@code key}: <code>prefix:cache:{name:key}</code>, the key written with
	 * its type ({@link CacheKeys}).
	 * @throws IllegalArgumentException if the key's type has no {@code toString()} of its own
	 */
	public String entryKey(Object key) {
		return CacheKeys.entryKey(this.entryKeyPrefix, key);
	}

	// ---------------------------------------------------------------- Spring Cache API: reads

	/**
	 * Looks {@code key} up. Inside a {@code @Cacheable} invocation a miss takes the loading lease (the
	 * caller then runs the method and {@link #put} stores the value) or waits for the caller that holds it
	 * and returns that caller's value; outside one it is a plain lookup.
	 */
	@Override
	public @Nullable ValueWrapper get(Object key) {
		String entryKey = entryKey(key);
		CacheInvocation invocation = CacheInvocation.current();
		if (invocation != null && invocation.refreshing()) {
			this.misses.refreshTarget(invocation, key, entryKey);
			return null;
		}
		Lookup found = this.reads.lookup(key, entryKey, invocation, null, null);
		if (found.hit) {
			return wrap(found.value);
		}
		if (invocation == null) {
			return null;
		}
		Outcome outcome = found.unavailable ? Outcome.UNAVAILABLE
				: this.leases.acquireOrWait(entryKey, found.entryCheck, this.scope.policy.stampedeProtection());
		if (outcome.kind == Outcome.VALUE) {
			return wrap(outcome.value);
		}
		this.misses.register(invocation, key, entryKey, outcome.lease);
		return null;
	}

	/** A plain lookup (never takes a lease). */
	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		Object value = this.reads.lookup(key, entryKey(key), null, null, null).value;
		if (value != null && type != null && !type.isInstance(value)) {
			throw new IllegalStateException(
					"Cached value is not of required type [" + type.getName() + "]: " + value.getClass().getName());
		}
		return (T) value;
	}

	/**
	 * Returns the cached value or loads it with {@code valueLoader}, once across all instances: this is
	 * what {@code @Cacheable(sync = true)} calls. A failing loader's exception is rethrown wrapped in a
	 * {@link ValueRetrievalException} (Spring unwraps it for the caller) after the lease was released, so
	 * one waiter retries at once.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		String entryKey = entryKey(key);
		CacheInvocation invocation = CacheInvocation.current();
		if (invocation != null && invocation.refreshing()) {
			Pending target = invocation.claim(this, entryKey);
			return this.loads.load(key, entryKey, valueLoader, (target != null) ? target.lease() : null);
		}
		Lookup found = this.reads.lookup(key, entryKey, invocation, valueLoader, null);
		if (found.hit) {
			return (T) found.value;
		}
		Outcome outcome = found.unavailable ? Outcome.UNAVAILABLE
				: this.leases.acquireOrWait(entryKey, found.entryCheck, this.scope.policy.stampedeProtection());
		if (outcome.kind == Outcome.VALUE) {
			return (T) outcome.value;
		}
		return this.loads.load(key, entryKey, valueLoader, outcome.lease);
	}

	/**
	 * Looks {@code key} up without blocking, for {@code CompletableFuture} and reactive
	 * {@code @Cacheable} methods. The future holds a {@link ValueWrapper} on a hit and {@code null} on a
	 * miss. When the method returns a {@code CompletableFuture}, a miss takes the loading lease or waits
	 * for its holder, as {@link #get(Object)} does; for reactive return types use {@code sync = true}.
	 */
	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		String entryKey = entryKey(key);
		CacheInvocation invocation = CacheInvocation.current();
		if (invocation != null && invocation.refreshing()) {
			this.misses.detach(key, this.misses.refreshTarget(invocation, key, entryKey));
			return null;
		}
		Lookup near = this.reads.nearLookup(key, entryKey, invocation, null, null);
		if (near != null) {
			return CompletableFuture.completedFuture(wrap(near.value));
		}
		CacheInvocation loading = (invocation != null && invocation.asyncResult()) ? invocation : null;
		if (!this.scope.connected()) {
			this.reads.missBecauseUnavailable(null);
			if (loading != null) {
				this.misses.register(loading, key, entryKey, null);
			}
			return null;
		}
		CompletableFuture<Object> result = new CompletableFuture<>();
		long mark = this.channel.mark(entryKey);
		this.reads.getAsync(entryKey).whenCompleteAsync((raw, failure) -> {
			try {
				Lookup found = (failure != null) ? this.reads.missBecauseUnavailable(failure)
						: this.reads.found(key, entryKey, raw, mark, invocation, null, null);
				if (found.hit) {
					result.complete(wrap(found.value));
				}
				else if (loading == null) {
					result.complete(null);
				}
				else if (found.unavailable) {
					this.misses.register(loading, key, entryKey, null);
					result.complete(null);
				}
				else {
					this.leases.acquireOrWaitAsync(entryKey, found.entryCheck, this.scope.policy.stampedeProtection())
						.whenComplete((outcome, ex) -> {
							if (outcome != null && outcome.kind == Outcome.VALUE) {
								result.complete(wrap(outcome.value));
								return;
							}
							Lease lease = (outcome != null) ? outcome.lease : null;
							try {
								this.misses.register(loading, key, entryKey, lease);
							}
							catch (RuntimeException failed) {
								if (lease != null) {
									this.leases.releaseIfPending(lease, CacheMessage.RETRY);
								}
							}
							result.complete(null);
						});
				}
			}
			catch (Throwable ex) {
				result.complete(null);
			}
		}, this.scope.runtime.asyncExecutor);
		return result;
	}

	/**
	 * Returns the cached value or loads it with {@code valueLoader}, once across all instances, without
	 * blocking: this is what {@code @Cacheable(sync = true)} on a {@code CompletableFuture} or reactive
	 * method calls. The future fails with the loader's own exception.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		String entryKey = entryKey(key);
		CacheInvocation invocation = CacheInvocation.current();
		if (invocation != null && invocation.refreshing()) {
			Pending target = invocation.claim(this, entryKey);
			return this.loads.loadAsync(key, entryKey, valueLoader, (target != null) ? target.lease() : null);
		}
		Lookup near = this.reads.nearLookup(key, entryKey, invocation, null, valueLoader);
		if (near != null) {
			return CompletableFuture.completedFuture((T) near.value);
		}
		if (!this.scope.connected()) {
			this.reads.missBecauseUnavailable(null);
			return this.loads.loadAsync(key, entryKey, valueLoader, null);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		long mark = this.channel.mark(entryKey);
		this.reads.getAsync(entryKey).whenCompleteAsync((raw, failure) -> {
			try {
				Lookup found = (failure != null) ? this.reads.missBecauseUnavailable(failure)
						: this.reads.found(key, entryKey, raw, mark, invocation, null, valueLoader);
				if (found.hit) {
					result.complete((T) found.value);
				}
				else if (found.unavailable) {
					pipe(this.loads.loadAsync(key, entryKey, valueLoader, null), result);
				}
				else {
					this.leases.acquireOrWaitAsync(entryKey, found.entryCheck, this.scope.policy.stampedeProtection())
						.whenComplete((outcome, ex) -> {
							if (outcome != null && outcome.kind == Outcome.VALUE) {
								result.complete((T) outcome.value);
							}
							else {
								Lease lease = (outcome != null) ? outcome.lease : null;
								pipe(this.loads.loadAsync(key, entryKey, valueLoader, lease), result);
							}
						});
				}
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, this.scope.runtime.asyncExecutor);
		return result;
	}

	// ---------------------------------------------------------------- Spring Cache API: writes

	/**
	 * Stores {@code value}. When the put answers a miss of the same {@code @Cacheable} invocation it is that
	 * load's fill: it stores only if the key was not written, evicted or cleared since the miss, releases
	 * the loading lease and gives the value to the callers waiting in any instance. Any other put is a
	 * write: it always stores and voids the loads in flight.
	 */
	@Override
	public void put(Object key, @Nullable Object value) {
		String entryKey = entryKey(key);
		Pending miss = this.misses.claim(key, entryKey);
		if (miss != null) {
			this.writes.fill(key, entryKey, value, miss.lease(), System.nanoTime() - miss.startedNanos());
		}
		else {
			this.writes.write(key, entryKey, value);
		}
	}

	/** A write of {@code value} (never a load's fill), telling whether Redis confirmed it. */
	boolean write(Object key, @Nullable Object value) {
		return this.writes.write(key, entryKey(key), value);
	}

	/**
	 * Stores {@code value} unless an entry exists; the existing value, or {@code null} after storing. Storing
	 * voids the loads in flight, as a put does.
	 */
	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		String entryKey = entryKey(key);
		if (value == null && !this.scope.policy.cacheNulls()) {
			Object existing = get(key, (Class<Object>) null);
			return (existing != null) ? wrap(existing) : null;
		}
		return this.writes.putIfAbsent(key, entryKey, value);
	}

	@Override
	public void evict(Object key) {
		remove(key);
	}

	/** Removes the entry with {@code UNLINK} and tells every instance to drop its near-cache copy. */
	@Override
	public boolean evictIfPresent(Object key) {
		return remove(key) > 0;
	}

	/** Evicts {@code key}: the number of entries removed, or -1 when Redis could not be reached. */
	long remove(Object key) {
		this.scope.listener.onEviction(this.scope.name, false);
		return this.writes.unlink(entryKey(key));
	}

	@Override
	public void clear() {
		invalidate();
	}

	/**
	 * Removes every entry of this cache, on every master, with {@code SCAN} and {@code UNLINK} (never
	 * {@code KEYS}), voids every load in flight, and tells every instance to clear its near cache.
	 */
	@Override
	public boolean invalidate() {
		return this.writes.clear();
	}

	// ---------------------------------------------------------------- lifecycle and helpers

	/** An instance stored or evicted the entry (messages arrive only after construction). */
	private void storedElsewhere(String entryKey) {
		this.refresh.stored(entryKey);
	}

	/** Called when the invocation that answered a miss ends. */
	void settle(Pending miss, boolean failed) {
		forget(miss);
		this.leases.settle(miss, failed);
	}

	/** The miss no longer waits for a put from another thread. */
	void forget(Pending miss) {
		this.misses.forget(miss);
	}

	/** The Redis commands of this cache (shared by the manager's caches); tests hold a clear through them. */
	CacheCommands commands() {
		return this.scope.commands();
	}

	void renewLeases() {
		this.leases.renew();
	}

	void clearNear() {
		this.channel.clearNear();
	}

	void ensureSubscribed() {
		this.channel.ensureSubscribed();
	}

	void close() {
		this.channel.close();
	}

	private static <T> void pipe(CompletableFuture<T> from, CompletableFuture<T> to) {
		from.whenComplete((value, failure) -> {
			if (failure != null) {
				to.completeExceptionally(CacheScope.unwrap(failure));
			}
			else {
				to.complete(value);
			}
		});
	}

	private static ValueWrapper wrap(@Nullable Object value) {
		return new SimpleValueWrapper(value);
	}

	@Override
	public String toString() {
		return "RedisPatternsCache[" + this.scope.name + "]";
	}

}
