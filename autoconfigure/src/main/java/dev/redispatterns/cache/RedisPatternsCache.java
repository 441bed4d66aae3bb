package dev.redispatterns.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

import dev.redispatterns.cache.BackgroundRefresh.Refresher;
import dev.redispatterns.cache.CacheEntry.Freshness;
import dev.redispatterns.cache.CacheInvocation.Pending;
import dev.redispatterns.cache.CacheLeases.Outcome;
import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.cache.CacheListener.Result;
import dev.redispatterns.cache.CacheScope.StoredValue;
import dev.redispatterns.cache.Flights.Signal;
import dev.redispatterns.core.PatternObservations;
import dev.redispatterns.core.RedisKeys;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.RedisPatternsObservation;

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
 */
public final class RedisPatternsCache implements Cache {

	private static final Log logger = LogFactory.getLog(RedisPatternsCache.class);

	private final CacheScope scope;

	private final CacheChannel channel;

	private final CacheLeases leases;

	private final BackgroundRefresh refresh;

	private final String scanPattern;

	/** <code>prefix:cache:{name:</code>, computed once: an entry key is this plus the encoded key and "}". */
	private final String entryKeyPrefix;

	/**
	 * Misses of {@code CompletableFuture} methods, whose put comes later on another thread: it is matched
	 * by the key object Spring generated for the miss (the same instance).
	 */
	private final ConcurrentHashMap<String, List<Detached>> detached = new ConcurrentHashMap<>();

	/** Last load time seen, for entries stored without a measured load (e.g. {@code @CachePut}). */
	private volatile long lastLoadMillis;

	RedisPatternsCache(String name, CachePolicy policy, CacheRuntime runtime) {
		this.scope = new CacheScope(name, policy, runtime);
		this.channel = new CacheChannel(this.scope, this::storedElsewhere);
		this.leases = new CacheLeases(this.scope, this.channel);
		this.refresh = new BackgroundRefresh(this.scope, this.leases);
		this.entryKeyPrefix = runtime.keys.prefix() + ":" + CacheScope.AREA + ":{" + CacheKeys.name(name) + ":";
		this.scanPattern = globEscape(this.entryKeyPrefix) + "*";
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
		return this.entryKeyPrefix + RedisKeys.escape(CacheKeys.encode(key)) + "}";
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
			refreshTarget(invocation, key, entryKey);
			return null;
		}
		Lookup found = lookup(key, entryKey, invocation, null, null);
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
		registerMiss(invocation, key, entryKey, outcome.lease);
		return null;
	}

	/** A plain lookup (never takes a lease). */
	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		Object value = lookup(key, entryKey(key), null, null, null).value;
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
			return load(key, entryKey, valueLoader, (target != null) ? target.lease() : null);
		}
		Lookup found = lookup(key, entryKey, invocation, valueLoader, null);
		if (found.hit) {
			return (T) found.value;
		}
		Outcome outcome = found.unavailable ? Outcome.UNAVAILABLE
				: this.leases.acquireOrWait(entryKey, found.entryCheck, this.scope.policy.stampedeProtection());
		if (outcome.kind == Outcome.VALUE) {
			return (T) outcome.value;
		}
		return load(key, entryKey, valueLoader, outcome.lease);
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
			detach(key, refreshTarget(invocation, key, entryKey));
			return null;
		}
		Lookup near = nearLookup(key, entryKey, invocation, null, null);
		if (near != null) {
			return CompletableFuture.completedFuture(wrap(near.value));
		}
		CacheInvocation loading = (invocation != null && invocation.asyncResult()) ? invocation : null;
		if (!this.scope.connected()) {
			missBecauseUnavailable(null);
			if (loading != null) {
				registerMiss(loading, key, entryKey, null);
			}
			return null;
		}
		CompletableFuture<Object> result = new CompletableFuture<>();
		long mark = this.channel.mark(entryKey);
		getAsync(entryKey).whenCompleteAsync((raw, failure) -> {
			try {
				Lookup found = (failure != null) ? missBecauseUnavailable(failure)
						: found(key, entryKey, raw, mark, invocation, null, null);
				if (found.hit) {
					result.complete(wrap(found.value));
				}
				else if (loading == null) {
					result.complete(null);
				}
				else if (found.unavailable) {
					registerMiss(loading, key, entryKey, null);
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
								registerMiss(loading, key, entryKey, lease);
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
			return loadAsync(key, entryKey, valueLoader, (target != null) ? target.lease() : null);
		}
		Lookup near = nearLookup(key, entryKey, invocation, null, valueLoader);
		if (near != null) {
			return CompletableFuture.completedFuture((T) near.value);
		}
		if (!this.scope.connected()) {
			missBecauseUnavailable(null);
			return loadAsync(key, entryKey, valueLoader, null);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		long mark = this.channel.mark(entryKey);
		getAsync(entryKey).whenCompleteAsync((raw, failure) -> {
			try {
				Lookup found = (failure != null) ? missBecauseUnavailable(failure)
						: found(key, entryKey, raw, mark, invocation, null, valueLoader);
				if (found.hit) {
					result.complete((T) found.value);
				}
				else if (found.unavailable) {
					pipe(loadAsync(key, entryKey, valueLoader, null), result);
				}
				else {
					this.leases.acquireOrWaitAsync(entryKey, found.entryCheck, this.scope.policy.stampedeProtection())
						.whenComplete((outcome, ex) -> {
							if (outcome != null && outcome.kind == Outcome.VALUE) {
								result.complete((T) outcome.value);
							}
							else {
								pipe(loadAsync(key, entryKey, valueLoader, (outcome != null) ? outcome.lease : null),
										result);
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
		Pending miss = claim(key, entryKey);
		if (miss != null) {
			fill(key, entryKey, value, miss.lease(), System.nanoTime() - miss.startedNanos());
		}
		else {
			await(writeAsync(key, entryKey, value));
		}
	}

	/** A write of {@code value} (never a load's fill), telling whether Redis confirmed it. */
	boolean write(Object key, @Nullable Object value) {
		return await(writeAsync(key, entryKey(key), value));
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
		byte[] entry = encodeEntry(key, entryKey, value, -1);
		this.scope.listener.put(this.scope.name);
		long mark = this.channel.beforeWrite(entryKey);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.WRITE, null);
			return null;
		}
		try {
			byte[] existing = this.scope.runtime.connector.await(
					this.scope.commands().putIfAbsent(CacheCommands.Keys.of(entryKey), entry, physicalTtlMillis(entry),
							this.scope.channel, this.scope.message(CacheMessage.FILLED, entryKey)),
					this.scope.policy.timeout());
			if (existing == null) {
				this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
				return null;
			}
			StoredValue stored = this.scope.decode(entryKey, existing);
			return (stored != null) ? wrap(stored.value()) : null;
		}
		catch (RedisPatternsException ex) {
			this.scope.unavailable(Operation.WRITE, ex);
			return null;
		}
		finally {
			this.channel.afterWrite(entryKey, mark, false, null, 0, 0);
		}
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
		this.scope.listener.eviction(this.scope.name, false);
		return unlink(entryKey(key));
	}

	/** Removes the entry and voids the loads in flight, in Redis, this instance's near cache and waiters. */
	private long unlink(String entryKey) {
		this.channel.beforeWrite(entryKey);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.EVICT, null);
			return -1;
		}
		CompletableFuture<Long> removed;
		try {
			removed = this.scope.commands().evict(CacheCommands.Keys.of(entryKey), this.scope.channel,
					this.scope.message(CacheMessage.EVICTED, entryKey));
		}
		catch (RedisPatternsException ex) {
			this.scope.unavailable(Operation.EVICT, ex);
			evicted(entryKey);
			return -1;
		}
		boolean nonBlocking = CacheRuntime.onNonBlockingThread();
		CompletableFuture<Long> done = removed.whenComplete((count, ex) -> {
			evicted(entryKey);
			if (ex != null && nonBlocking) {
				this.scope.unavailable(Operation.EVICT, ex);
			}
		});
		if (nonBlocking) {
			return 0;
		}
		try {
			return this.scope.runtime.connector.await(done, this.scope.policy.timeout());
		}
		catch (RedisPatternsException ex) {
			this.scope.unavailable(Operation.EVICT, ex);
			evicted(entryKey);
			return -1;
		}
	}

	/** After an eviction: no read that began before it keeps a value here, and waiters look again. */
	private void evicted(String entryKey) {
		this.channel.afterWrite(entryKey, 0, false, null, 0, 0);
		this.scope.flights.signal(entryKey, Signal.RETRY);
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
		this.channel.clearNear();
		this.scope.listener.eviction(this.scope.name, true);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.EVICT, null);
			return false;
		}
		try {
			long removed = this.scope.commands().clear(this.scanPattern, this.scope.runtime.connector.commandTimeout());
			this.scope.runtime.connector.await(
					this.scope.commands().publish(this.scope.channel, this.scope.message(CacheMessage.CLEARED, "")),
					this.scope.policy.timeout());
			return removed > 0;
		}
		catch (RedisPatternsException ex) {
			if (String.valueOf(ex.getMessage()).contains("NOPERM")) {
				// a clear that silently clears nothing would serve stale entries: say what is missing
				throw new IllegalStateException("Cannot clear cache '" + this.scope.name + "': the Redis user may not "
						+ "run SCAN. Redis does not confine SCAN to the user's key prefix, so grant +scan only where "
						+ "the database holds no other application's keys (see docs/security.md)", ex);
			}
			this.scope.unavailable(Operation.EVICT, ex);
			return false;
		}
		finally {
			this.channel.clearNear();
			this.scope.flights.signalAll(Signal.RETRY);
		}
	}

	// ---------------------------------------------------------------- misses and their puts

	/** Remembers a miss whose value the invocation's method now loads; its put fills under {@code lease}. */
	private void registerMiss(CacheInvocation invocation, Object key, String entryKey, @Nullable Lease lease) {
		Pending miss = invocation.register(this, entryKey, key, lease, observeLoad(key));
		if (miss != null && invocation.asyncResult()) {
			detach(key, miss);
		}
	}

	/** Inside a background refresh: the refresh's own load of this key, or else a load that may not store. */
	private Pending refreshTarget(CacheInvocation invocation, Object key, String entryKey) {
		Pending target = invocation.find(this, entryKey);
		if (target == null) {
			target = invocation.register(this, entryKey, key, null, null);
		}
		return (target != null) ? target : new Pending(this, entryKey, key, null, System.nanoTime(), null);
	}

	/** The miss a put stores the value of, if it is one: of the current invocation, or a detached one. */
	private @Nullable Pending claim(Object key, String entryKey) {
		CacheInvocation invocation = CacheInvocation.current();
		if (invocation != null) {
			Pending miss = invocation.claim(this, entryKey);
			if (miss != null) {
				forget(miss);
				return miss;
			}
		}
		List<Detached> candidates = this.detached.get(entryKey);
		if (candidates != null) {
			for (Detached candidate : candidates) {
				if (candidate.key() == key && candidate.miss().claim()) {
					forget(candidate.miss());
					return candidate.miss();
				}
			}
		}
		return null;
	}

	private void detach(Object key, Pending miss) {
		this.detached.compute(miss.entryKey(), (entryKey, list) -> {
			List<Detached> added = (list != null) ? new ArrayList<>(list) : new ArrayList<>(1);
			added.add(new Detached(key, miss));
			return added;
		});
	}

	/** The refresh is over: its misses (of any cache) no longer wait for a put from another thread. */
	private static void forgetAll(CacheInvocation refreshing) {
		for (Pending miss : refreshing.misses()) {
			miss.cache().forget(miss);
		}
	}

	void forget(Pending miss) {
		this.detached.computeIfPresent(miss.entryKey(), (entryKey, list) -> {
			List<Detached> kept = new ArrayList<>(list.size());
			for (Detached candidate : list) {
				if (candidate.miss() != miss) {
					kept.add(candidate);
				}
			}
			return kept.isEmpty() ? null : kept;
		});
	}

	/** A miss whose put may come on another thread, with the key object Spring will put with. */
	private record Detached(Object key, Pending miss) {

	}

	// ---------------------------------------------------------------- lookup

	/** Near cache, then Redis. Reports the request's result. */
	private Lookup lookup(Object key, String entryKey, @Nullable CacheInvocation invocation,
			@Nullable Callable<?> callable, @Nullable Supplier<? extends CompletableFuture<?>> supplier) {
		Lookup near = nearLookup(key, entryKey, invocation, callable, supplier);
		if (near != null) {
			return near;
		}
		if (!this.scope.connected()) {
			return missBecauseUnavailable(null);
		}
		long mark = this.channel.mark(entryKey);
		byte[] raw;
		try {
			raw = this.scope.runtime.connector.await(
					this.scope.runtime.connector.async().get(CacheCommands.utf8(entryKey)), this.scope.policy.timeout());
		}
		catch (RedisPatternsException ex) {
			return missBecauseUnavailable(ex);
		}
		return found(key, entryKey, raw, mark, invocation, callable, supplier);
	}

	private Lookup missBecauseUnavailable(@Nullable Throwable cause) {
		this.scope.unavailable(Operation.READ, cause);
		this.scope.listener.request(this.scope.name, Result.MISS);
		return Lookup.UNAVAILABLE;
	}

	private @Nullable Lookup nearLookup(Object key, String entryKey, @Nullable CacheInvocation invocation,
			@Nullable Callable<?> callable, @Nullable Supplier<? extends CompletableFuture<?>> supplier) {
		NearCache near = this.channel.near();
		if (near == null) {
			return null;
		}
		long now = System.currentTimeMillis();
		NearCache.Entry entry = near.get(entryKey, now);
		if (entry == null) {
			return null;
		}
		if (this.scope.policy.refreshAhead() && CacheEntry.freshness(now, entry.expiresAtMillis(), entry.loadMillis(),
				this.scope.policy) != Freshness.FRESH) {
			this.refresh.start(entryKey, entry.expiresAtMillis(), refresher(key, entryKey, invocation, callable, supplier));
		}
		this.scope.listener.request(this.scope.name, Result.NEAR_HIT);
		return Lookup.hit(entry.value());
	}

	private Lookup found(Object key, String entryKey, byte @Nullable [] raw, long mark,
			@Nullable CacheInvocation invocation, @Nullable Callable<?> callable,
			@Nullable Supplier<? extends CompletableFuture<?>> supplier) {
		StoredValue stored = (raw != null) ? this.scope.decode(entryKey, raw) : null;
		if (stored == null) {
			this.scope.listener.request(this.scope.name, Result.MISS);
			return (raw != null) ? Lookup.UNREADABLE : Lookup.MISS;
		}
		long now = System.currentTimeMillis();
		Freshness freshness = stored.entry().freshness(now, this.scope.policy);
		if (freshness != Freshness.FRESH) {
			Refresher refresher = refresher(key, entryKey, invocation, callable, supplier);
			if (refresher == null && freshness == Freshness.STALE) {
				// nobody here can recompute it: better a miss than serving stale data until it is gone
				this.scope.listener.request(this.scope.name, Result.MISS);
				return Lookup.UNREADABLE;
			}
			this.refresh.start(entryKey, stored.entry().expiresAtMillis(), refresher);
		}
		if (freshness == Freshness.STALE) {
			this.scope.listener.request(this.scope.name, Result.STALE);
			return Lookup.hit(stored.value());
		}
		this.scope.listener.request(this.scope.name, Result.HIT);
		this.channel.fillNear(entryKey, stored.value(), stored.entry().expiresAtMillis(), stored.entry().loadMillis(),
				now, mark);
		return Lookup.hit(stored.value());
	}

	/** How this caller could recompute the entry in the background, if it can. */
	private @Nullable Refresher refresher(Object key, String entryKey, @Nullable CacheInvocation invocation,
			@Nullable Callable<?> callable, @Nullable Supplier<? extends CompletableFuture<?>> supplier) {
		if (callable != null) {
			return (lease) -> {
				long start = System.nanoTime();
				Object value = callable.call();
				fill(key, entryKey, value, lease, System.nanoTime() - start);
				return value;
			};
		}
		if (supplier != null) {
			return (lease) -> {
				long start = System.nanoTime();
				return supplier.get()
					.thenCompose((value) -> fillAsync(key, entryKey, value, lease, System.nanoTime() - start));
			};
		}
		CacheInvocation.Replay replay = (invocation != null) ? invocation.replay() : null;
		if (replay == null) {
			return null;
		}
		return (lease) -> {
			// Spring's put of the replayed method is this refresh's fill
			Pending target = new Pending(this, entryKey, key, lease, System.nanoTime(), null);
			CacheInvocation refreshing = CacheInvocation.openRefresh(target);
			Object result;
			try {
				result = replay.proceed();
			}
			catch (Throwable ex) {
				forgetAll(refreshing);
				throw ex;
			}
			finally {
				refreshing.detach();
			}
			if (result instanceof CompletableFuture<?> future) {
				return future.whenComplete((value, failure) -> forgetAll(refreshing));
			}
			forgetAll(refreshing);
			return result;
		};
	}

	// ---------------------------------------------------------------- loading and storing

	/** Starts the observation of a load of {@code key}, or returns {@code null} when nothing observes. */
	private @Nullable Observation observeLoad(Object key) {
		PatternObservations observations = this.scope.runtime.observations;
		return observations.isActive()
				? observations.start(RedisPatternsObservation.CACHE_LOAD, this.scope.name, null, key) : null;
	}

	/**
	 * Runs {@code loader} and stores its value under {@code lease} (not at all without one). The value is
	 * returned to the caller even when the store is refused.
	 */
	private <T> @Nullable T load(Object key, String entryKey, Callable<T> loader, @Nullable Lease lease) {
		Observation observation = observeLoad(key);
		long start = System.nanoTime();
		T value;
		try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
			value = loader.call();
		}
		catch (Throwable ex) {
			if (observation != null) {
				PatternObservations.stop(observation, "failure", ex);
			}
			this.scope.listener.load(this.scope.name, System.nanoTime() - start, false);
			if (lease != null) {
				this.leases.releaseIfPending(lease, CacheMessage.RETRY);
			}
			throw new ValueRetrievalException(key, loader, ex);
		}
		long elapsed = System.nanoTime() - start;
		if (observation != null) {
			PatternObservations.stop(observation, "success", null);
		}
		this.scope.listener.load(this.scope.name, elapsed, true);
		fill(key, entryKey, value, lease, elapsed);
		return value;
	}

	private <T> CompletableFuture<T> loadAsync(Object key, String entryKey, Supplier<CompletableFuture<T>> loader,
			@Nullable Lease lease) {
		Observation observation = observeLoad(key);
		long start = System.nanoTime();
		CompletableFuture<T> loaded;
		try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
			loaded = loader.get();
			if (loaded == null) {
				loaded = CompletableFuture.failedFuture(new IllegalStateException("Value loader returned no future"));
			}
		}
		catch (Throwable ex) {
			loaded = CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		loaded.whenComplete((value, failure) -> {
			long elapsed = System.nanoTime() - start;
			if (observation != null) {
				PatternObservations.stop(observation, (failure == null) ? "success" : "failure",
						CacheScope.unwrap(failure));
			}
			this.scope.listener.load(this.scope.name, elapsed, failure == null);
			if (failure != null) {
				if (lease != null) {
					this.leases.releaseIfPending(lease, CacheMessage.RETRY);
				}
				result.completeExceptionally(CacheScope.unwrap(failure));
				return;
			}
			try {
				fillAsync(key, entryKey, value, lease, elapsed)
					.whenComplete((ignored, ex) -> completeAsync(result, value, null));
			}
			catch (RuntimeException ex) {
				completeAsync(result, value, ex);
			}
		});
		return result;
	}

	/** Completes off the Redis I/O threads, so the application's continuations never run on them. */
	private <T> void completeAsync(CompletableFuture<T> result, @Nullable T value, @Nullable Throwable failure) {
		this.scope.runtime.asyncExecutor.execute(() -> {
			if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(value);
			}
		});
	}

	/** Waits (bounded by {@code timeout}) for a store, unless on a thread that must not block. */
	private boolean await(CompletableFuture<Boolean> stored) {
		if (CacheRuntime.onNonBlockingThread()) {
			return false;
		}
		try {
			return stored.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException ex) {
			return false;
		}
	}

	private boolean fill(Object key, String entryKey, @Nullable Object value, @Nullable Lease lease, long loadNanos) {
		return await(fillAsync(key, entryKey, value, lease, loadNanos));
	}

	/**
	 * Stores a loaded value under the load's {@code lease}: only if no put, eviction, clear or other fill of
	 * the key happened since the lease was taken. Releases the lease either way and wakes this instance's
	 * waiters (with the entry when it was stored). Never fails for Redis being unavailable (the store is
	 * skipped and reported); a value the codec refuses is an error for the caller. Without a lease (Redis
	 * could not be asked when the load began) nothing is stored.
	 */
	private CompletableFuture<Boolean> fillAsync(Object key, String entryKey, @Nullable Object value,
			@Nullable Lease lease, long loadNanos) {
		if (lease == null) {
			return CompletableFuture.completedFuture(false);
		}
		this.leases.finish(lease);
		if (value == null && !this.scope.policy.cacheNulls()) {
			this.leases.release(lease, CacheMessage.SKIPPED);
			return CompletableFuture.completedFuture(false);
		}
		byte[] entry;
		try {
			entry = encodeEntry(key, entryKey, value, loadNanos);
		}
		catch (RuntimeException ex) {
			this.leases.release(lease, CacheMessage.SKIPPED);
			throw ex;
		}
		this.scope.listener.put(this.scope.name);
		if (!this.scope.connected()) {
			// nothing can be stored or evicted now: local waiters may as well have this load's value
			this.scope.unavailable(Operation.WRITE, null);
			this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
			return CompletableFuture.completedFuture(false);
		}
		long mark = this.channel.mark(entryKey);
		CompletableFuture<Boolean> filled;
		try {
			filled = this.scope.commands().fill(lease.keys, entry, physicalTtlMillis(entry), lease.token, lease.ticket,
					this.scope.channel, this.scope.message(CacheMessage.FILLED, entryKey));
		}
		catch (RuntimeException ex) {
			filled = CompletableFuture.failedFuture(ex);
		}
		return this.scope.timed(filled).handle((stored, failure) -> {
			if (failure != null) {
				this.scope.unavailable(Operation.WRITE, failure);
			}
			if (failure != null || !Boolean.TRUE.equals(stored)) {
				if (failure == null && logger.isDebugEnabled()) {
					logger.debug("Cache '" + this.scope.name + "': loaded value not stored, the entry was written, "
							+ "evicted or cleared since the load began");
				}
				// refused (or unknown): waiters look again and find the newer entry, or load
				this.scope.flights.signal(entryKey, Signal.RETRY);
				return false;
			}
			this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
			CacheEntry header = CacheEntry.decode(entry);
			this.channel.afterWrite(entryKey, mark, true, value, header.expiresAtMillis(), header.loadMillis());
			return true;
		});
	}

	/**
	 * Writes {@code value}, replacing the entry and voiding the loads in flight, and wakes this instance's
	 * waiters with it. Never fails for Redis being unavailable (the write is skipped and reported); a value
	 * the codec refuses is an error for the caller. A {@code null} where nulls are not cached removes the
	 * entry instead.
	 */
	private CompletableFuture<Boolean> writeAsync(Object key, String entryKey, @Nullable Object value) {
		if (value == null && !this.scope.policy.cacheNulls()) {
			unlink(entryKey);
			return CompletableFuture.completedFuture(false);
		}
		byte[] entry = encodeEntry(key, entryKey, value, -1);
		this.scope.listener.put(this.scope.name);
		long mark = this.channel.beforeWrite(entryKey);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.WRITE, null);
			return CompletableFuture.completedFuture(false);
		}
		CompletableFuture<Long> written;
		try {
			written = this.scope.commands().put(CacheCommands.Keys.of(entryKey), entry, physicalTtlMillis(entry),
					this.scope.channel, this.scope.message(CacheMessage.FILLED, entryKey));
		}
		catch (RuntimeException ex) {
			written = CompletableFuture.failedFuture(ex);
		}
		return this.scope.timed(written).handle((result, failure) -> {
			if (failure != null) {
				this.scope.unavailable(Operation.WRITE, failure);
				this.channel.afterWrite(entryKey, mark, false, null, 0, 0);
				this.scope.flights.signal(entryKey, Signal.RETRY);
				return false;
			}
			this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
			CacheEntry header = CacheEntry.decode(entry);
			this.channel.afterWrite(entryKey, mark, true, value, header.expiresAtMillis(), header.loadMillis());
			return true;
		});
	}

	private byte[] encodeEntry(Object key, String entryKey, @Nullable Object value, long loadNanos) {
		long loadMillis;
		if (loadNanos >= 0) {
			loadMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(loadNanos));
			this.lastLoadMillis = loadMillis;
		}
		else {
			loadMillis = this.lastLoadMillis;
		}
		return this.scope.encode(entryKey, value, System.currentTimeMillis() + ttlMillis(key, value), loadMillis);
	}

	/** The entry's logical time to live: configured (or from the TTL function) minus random jitter. */
	long ttlMillis(Object key, @Nullable Object value) {
		Duration ttl = null;
		CacheTtlFunction function = this.scope.runtime.ttlFunction;
		if (function != null) {
			ttl = function.timeToLive(this.scope.name, key, value);
		}
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			ttl = (value != null) ? this.scope.policy.ttl() : this.scope.policy.nullTtl();
		}
		long millis = Math.max(1, ttl.toMillis());
		long maxCut = millis * this.scope.policy.ttlJitterPercent() / 100;
		if (maxCut > 0) {
			millis -= ThreadLocalRandom.current().nextLong(maxCut + 1);
		}
		return Math.max(1, millis);
	}

	/** Redis keeps an entry through its stale-while-revalidate window. */
	private long physicalTtlMillis(byte[] entry) {
		long logical = CacheEntry.decode(entry).expiresAtMillis() - System.currentTimeMillis();
		return Math.max(1, logical) + this.scope.policy.staleWhileRevalidate().toMillis();
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

	private CompletableFuture<byte @Nullable []> getAsync(String entryKey) {
		try {
			return this.scope.timed(this.scope.commands().get(CacheCommands.utf8(entryKey)));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
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

	private static String globEscape(String text) {
		StringBuilder out = new StringBuilder(text.length() + 4);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
				out.append('\\');
			}
			out.append(c);
		}
		return out.toString();
	}

	@Override
	public String toString() {
		return "RedisPatternsCache[" + this.scope.name + "]";
	}

	/** Result of looking up a key in the near cache and Redis. */
	private static final class Lookup {

		static final Lookup MISS = new Lookup(false, null, false, true);

		/** The entry exists but cannot be served; the lease script must not return it again. */
		static final Lookup UNREADABLE = new Lookup(false, null, false, false);

		static final Lookup UNAVAILABLE = new Lookup(false, null, true, true);

		final boolean hit;

		final @Nullable Object value;

		final boolean unavailable;

		final boolean entryCheck;

		private Lookup(boolean hit, @Nullable Object value, boolean unavailable, boolean entryCheck) {
			this.hit = hit;
			this.value = value;
			this.unavailable = unavailable;
			this.entryCheck = entryCheck;
		}

		static Lookup hit(@Nullable Object value) {
			return new Lookup(true, value, false, true);
		}

	}

}
