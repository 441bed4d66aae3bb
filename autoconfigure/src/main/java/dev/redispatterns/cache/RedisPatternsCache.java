package dev.redispatterns.cache;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

import dev.redispatterns.cache.BackgroundRefresh.Refresher;
import dev.redispatterns.cache.CacheEntry.Freshness;
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
 * Redis being unreachable (or slower than {@code timeout}) is never an error for the caller: reads miss
 * so the method runs, writes are skipped, both are logged (rate-limited) and reported to the listener.
 */
public final class RedisPatternsCache implements Cache {

	private static final ClassValue<Boolean> HAS_OWN_TO_STRING = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			try {
				return type.getMethod("toString").getDeclaringClass() != Object.class;
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
		}

	};

	private final CacheScope scope;

	private final CacheChannel channel;

	private final CacheLeases leases;

	private final BackgroundRefresh refresh;

	private final String scanPattern;

	/** <code>prefix:cache:{name:</code>, computed once: an entry key is this plus the escaped key and "}". */
	private final String entryKeyPrefix;

	/** Last load time seen, for entries stored without a measured load (e.g. {@code @CachePut}). */
	private volatile long lastLoadMillis;

	RedisPatternsCache(String name, CachePolicy policy, CacheRuntime runtime) {
		this.scope = new CacheScope(name, policy, runtime);
		this.channel = new CacheChannel(this.scope, this::storedElsewhere);
		this.leases = new CacheLeases(this.scope, this.channel);
		this.refresh = new BackgroundRefresh(this.scope, this.leases);
		String group = runtime.keys.slotGroup(CacheScope.AREA, name, "").key();
		this.entryKeyPrefix = group.substring(0, group.length() - 1);
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

	/** The Redis key of the entry for {@code key}: <code>prefix:cache:{name:key}</code>. */
	public String entryKey(Object key) {
		return this.entryKeyPrefix + RedisKeys.escape(keyString(key)) + "}";
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
			return null;
		}
		Lookup found = lookup(key, entryKey, invocation, null, null);
		if (found.hit) {
			return wrap(found.value);
		}
		if (invocation == null) {
			return null;
		}
		if (found.unavailable || !this.scope.policy.stampedeProtection()) {
			invocation.register(this, entryKey, null, observeLoad(key));
			return null;
		}
		Outcome outcome = this.leases.acquireOrWait(entryKey, found.entryCheck);
		if (outcome.kind == Outcome.VALUE) {
			return wrap(outcome.value);
		}
		invocation.register(this, entryKey, outcome.lease, observeLoad(key));
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
			return load(key, entryKey, valueLoader, this.leases.current(entryKey), true);
		}
		Lookup found = lookup(key, entryKey, invocation, valueLoader, null);
		if (found.hit) {
			return (T) found.value;
		}
		if (found.unavailable || !this.scope.policy.stampedeProtection()) {
			return load(key, entryKey, valueLoader, null, !found.unavailable);
		}
		Outcome outcome = this.leases.acquireOrWait(entryKey, found.entryCheck);
		return switch (outcome.kind) {
			case Outcome.VALUE -> (T) outcome.value;
			case Outcome.LEASED -> load(key, entryKey, valueLoader, outcome.lease, true);
			default -> load(key, entryKey, valueLoader, null, outcome.kind == Outcome.LOAD);
		};
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
			return null;
		}
		Lookup near = nearLookup(key, entryKey, invocation, null, null);
		if (near != null) {
			return CompletableFuture.completedFuture(wrap(near.value));
		}
		if (!this.scope.connected()) {
			missBecauseUnavailable(null);
			return null;
		}
		boolean takesLease = invocation != null && invocation.asyncResult() && this.scope.policy.stampedeProtection();
		CompletableFuture<Object> result = new CompletableFuture<>();
		long mark = this.channel.mark();
		getAsync(entryKey).whenCompleteAsync((raw, failure) -> {
			try {
				Lookup found = (failure != null) ? missBecauseUnavailable(failure)
						: found(key, entryKey, raw, mark, invocation, null, null);
				if (found.hit) {
					result.complete(wrap(found.value));
				}
				else if (!takesLease || found.unavailable) {
					if (invocation != null && invocation.asyncResult()) {
						invocation.register(this, entryKey, null, observeLoad(key));
					}
					result.complete(null);
				}
				else {
					this.leases.acquireOrWaitAsync(entryKey, found.entryCheck).whenComplete((outcome, ex) -> {
						if (outcome != null && outcome.kind == Outcome.VALUE) {
							result.complete(wrap(outcome.value));
						}
						else {
							invocation.register(this, entryKey, (outcome != null) ? outcome.lease : null,
									observeLoad(key));
							result.complete(null);
						}
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
			return loadAsync(key, entryKey, valueLoader, this.leases.current(entryKey), true);
		}
		Lookup near = nearLookup(key, entryKey, invocation, null, valueLoader);
		if (near != null) {
			return CompletableFuture.completedFuture((T) near.value);
		}
		if (!this.scope.connected()) {
			missBecauseUnavailable(null);
			return loadAsync(key, entryKey, valueLoader, null, false);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		long mark = this.channel.mark();
		getAsync(entryKey).whenCompleteAsync((raw, failure) -> {
			try {
				Lookup found = (failure != null) ? missBecauseUnavailable(failure)
						: found(key, entryKey, raw, mark, invocation, null, valueLoader);
				if (found.hit) {
					result.complete((T) found.value);
				}
				else if (found.unavailable || !this.scope.policy.stampedeProtection()) {
					pipe(loadAsync(key, entryKey, valueLoader, null, !found.unavailable), result);
				}
				else {
					this.leases.acquireOrWaitAsync(entryKey, found.entryCheck).whenComplete((outcome, ex) -> {
						if (outcome == null) {
							pipe(loadAsync(key, entryKey, valueLoader, null, false), result);
						}
						else if (outcome.kind == Outcome.VALUE) {
							result.complete((T) outcome.value);
						}
						else {
							pipe(loadAsync(key, entryKey, valueLoader, outcome.lease, outcome.kind != Outcome.LOAD_ONLY),
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
	 * Stores {@code value}; when this instance holds the key's loading lease (a plain {@code @Cacheable}
	 * miss) the write also releases it, and callers waiting in any instance get the value.
	 */
	@Override
	public void put(Object key, @Nullable Object value) {
		store(key, value);
	}

	/** {@link #put}, telling whether Redis confirmed the write (false: skipped, refused or unavailable). */
	boolean store(Object key, @Nullable Object value) {
		String entryKey = entryKey(key);
		Lease lease = this.leases.take(entryKey);
		long loadNanos = -1;
		if (lease != null) {
			loadNanos = lease.loadNanos();
		}
		else {
			CacheInvocation invocation = CacheInvocation.current();
			long started = (invocation != null) ? invocation.missStartedNanos(this, entryKey) : -1;
			if (started != -1) {
				loadNanos = System.nanoTime() - started;
			}
		}
		return write(key, entryKey, value, lease, loadNanos);
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		String entryKey = entryKey(key);
		if (value == null && !this.scope.policy.cacheNulls()) {
			Object existing = get(key, (Class<Object>) null);
			return (existing != null) ? wrap(existing) : null;
		}
		byte[] entry = encodeEntry(key, value, -1);
		this.scope.listener.put(this.scope.name);
		this.channel.invalidateNear(entryKey);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.WRITE, null);
			return null;
		}
		try {
			byte[] existing = this.scope.runtime.connector.await(
					this.scope.commands().putIfAbsent(CacheCommands.utf8(entryKey), entry, physicalTtlMillis(entry),
							this.scope.channel, this.scope.message(CacheMessage.FILLED, entryKey)),
					this.scope.policy.timeout());
			if (existing == null) {
				return null;
			}
			StoredValue stored = this.scope.decode(existing);
			return (stored != null) ? wrap(stored.value()) : null;
		}
		catch (RedisPatternsException ex) {
			this.scope.unavailable(Operation.WRITE, ex);
			return null;
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

	private long unlink(String entryKey) {
		this.channel.invalidateNear(entryKey);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.EVICT, null);
			return -1;
		}
		CompletableFuture<Long> removed;
		try {
			removed = this.scope.commands().evict(CacheCommands.utf8(entryKey), this.scope.channel,
					this.scope.message(CacheMessage.EVICTED, entryKey));
		}
		catch (RedisPatternsException ex) {
			this.scope.unavailable(Operation.EVICT, ex);
			return -1;
		}
		if (CacheRuntime.onNonBlockingThread()) {
			removed.whenComplete((count, ex) -> {
				if (ex != null) {
					this.scope.unavailable(Operation.EVICT, ex);
				}
			});
			return 0;
		}
		try {
			return this.scope.runtime.connector.await(removed, this.scope.policy.timeout());
		}
		catch (RedisPatternsException ex) {
			this.scope.unavailable(Operation.EVICT, ex);
			return -1;
		}
	}

	@Override
	public void clear() {
		invalidate();
	}

	/**
	 * Removes every entry of this cache, on every master, with {@code SCAN} and {@code UNLINK} (never
	 * {@code KEYS}), and tells every instance to clear its near cache.
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
			this.scope.unavailable(Operation.EVICT, ex);
			return false;
		}
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
		long mark = this.channel.mark();
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
			this.refresh.start(entryKey, entry.expiresAtMillis(), refresher(key, invocation, callable, supplier));
		}
		this.scope.listener.request(this.scope.name, Result.NEAR_HIT);
		return Lookup.hit(entry.value());
	}

	private Lookup found(Object key, String entryKey, byte @Nullable [] raw, long mark,
			@Nullable CacheInvocation invocation, @Nullable Callable<?> callable,
			@Nullable Supplier<? extends CompletableFuture<?>> supplier) {
		StoredValue stored = (raw != null) ? this.scope.decode(raw) : null;
		if (stored == null) {
			this.scope.listener.request(this.scope.name, Result.MISS);
			return (raw != null) ? Lookup.UNREADABLE : Lookup.MISS;
		}
		long now = System.currentTimeMillis();
		Freshness freshness = stored.entry().freshness(now, this.scope.policy);
		if (freshness != Freshness.FRESH) {
			Refresher refresher = refresher(key, invocation, callable, supplier);
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
	private @Nullable Refresher refresher(Object key, @Nullable CacheInvocation invocation,
			@Nullable Callable<?> callable, @Nullable Supplier<? extends CompletableFuture<?>> supplier) {
		if (callable != null) {
			return () -> {
				Object value = callable.call();
				put(key, value);
				return value;
			};
		}
		if (supplier != null) {
			return () -> supplier.get().thenAccept((value) -> put(key, value));
		}
		CacheInvocation.Replay replay = (invocation != null) ? invocation.replay() : null;
		return (replay != null) ? replay::proceed : null;
	}

	// ---------------------------------------------------------------- loading and storing

	/** Starts the observation of a load of {@code key}, or returns {@code null} when nothing observes. */
	private @Nullable Observation observeLoad(Object key) {
		PatternObservations observations = this.scope.runtime.observations;
		return observations.isActive()
				? observations.start(RedisPatternsObservation.CACHE_LOAD, this.scope.name, null, key) : null;
	}

	private <T> @Nullable T load(Object key, String entryKey, Callable<T> loader, @Nullable Lease lease, boolean store) {
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
		if (store) {
			Lease held = (lease != null && this.leases.take(lease)) ? lease : null;
			write(key, entryKey, value, held, (held != null) ? held.loadNanos() : elapsed);
		}
		return value;
	}

	private <T> CompletableFuture<T> loadAsync(Object key, String entryKey, Supplier<CompletableFuture<T>> loader,
			@Nullable Lease lease, boolean store) {
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
			if (!store) {
				completeAsync(result, value, null);
				return;
			}
			Lease held = (lease != null && this.leases.take(lease)) ? lease : null;
			try {
				writeAsync(key, entryKey, value, held, (held != null) ? held.loadNanos() : elapsed)
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

	/** Stores and waits (bounded by {@code timeout}) unless on a thread that must not block. */
	private boolean write(Object key, String entryKey, @Nullable Object value, @Nullable Lease lease,
			long loadNanos) {
		CompletableFuture<Boolean> written = writeAsync(key, entryKey, value, lease, loadNanos);
		if (CacheRuntime.onNonBlockingThread()) {
			return false;
		}
		try {
			return written.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException ex) {
			return false;
		}
	}

	/**
	 * Stores an entry, releasing {@code lease} if given, and wakes this instance's waiters with it. Never
	 * fails for Redis being unavailable (the write is skipped and reported); a value the codec refuses is
	 * an error for the caller. A {@code null} where nulls are not cached removes the entry instead.
	 */
	private CompletableFuture<Boolean> writeAsync(Object key, String entryKey, @Nullable Object value,
			@Nullable Lease lease, long loadNanos) {
		this.channel.invalidateNear(entryKey);
		if (value == null && !this.scope.policy.cacheNulls()) {
			if (lease != null) {
				this.leases.release(lease, CacheMessage.SKIPPED);
			}
			else {
				unlink(entryKey);
			}
			return CompletableFuture.completedFuture(false);
		}
		byte[] entry;
		try {
			entry = encodeEntry(key, value, loadNanos);
		}
		catch (RuntimeException ex) {
			if (lease != null) {
				this.leases.release(lease, CacheMessage.SKIPPED);
			}
			throw ex;
		}
		this.scope.listener.put(this.scope.name);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.WRITE, null);
			this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
			return CompletableFuture.completedFuture(false);
		}
		// Local waiters get the entry now: the fill script's message reaches this instance's own channel
		// before the fill's reply does, and an entry-less wake-up would cost each of them another round trip.
		// They get the same entry if the write fails (below); those joining meanwhile are woken below.
		this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
		long mark = this.channel.mark();
		CompletableFuture<Long> filled;
		try {
			filled = this.scope.commands().fill(CacheCommands.utf8(entryKey), CacheScope.leaseKey(entryKey), entry,
					physicalTtlMillis(entry), (lease != null) ? lease.token : null, this.scope.channel,
					this.scope.message(CacheMessage.FILLED, entryKey));
		}
		catch (RuntimeException ex) {
			filled = CompletableFuture.failedFuture(ex);
		}
		return this.scope.timed(filled).handle((result, failure) -> {
			this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
			if (failure != null) {
				this.scope.unavailable(Operation.WRITE, failure);
				return false;
			}
			CacheEntry header = CacheEntry.decode(entry);
			this.channel.fillNear(entryKey, value, header.expiresAtMillis(), header.loadMillis(),
					System.currentTimeMillis(), mark);
			return true;
		});
	}

	private byte[] encodeEntry(Object key, @Nullable Object value, long loadNanos) {
		byte[] payload = (value != null) ? this.scope.runtime.codec.encode(value) : null;
		long loadMillis;
		if (loadNanos >= 0) {
			loadMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(loadNanos));
			this.lastLoadMillis = loadMillis;
		}
		else {
			loadMillis = this.lastLoadMillis;
		}
		return CacheEntry.encode(payload, System.currentTimeMillis() + ttlMillis(key, value), loadMillis);
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
	void settle(CacheInvocation.Pending miss, boolean failed) {
		this.leases.settle(miss, failed);
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

	/**
	 * The text form of a cache key. Strings, numbers, {@code SimpleKey} and every type with its own
	 * {@code toString()} qualify; a key whose text would be an identity hash (different in every JVM)
	 * is refused.
	 */
	static String keyString(Object key) {
		if (key instanceof String text) {
			return text;
		}
		if (!HAS_OWN_TO_STRING.get(key.getClass())) {
			throw new IllegalArgumentException("Cache key of type " + key.getClass().getName()
					+ " has no toString() of its own, so it would differ in every JVM; use a key expression "
					+ "(@Cacheable(key = ...)) or give the type a toString()");
		}
		return key.toString();
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
