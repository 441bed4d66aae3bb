package dev.redispatterns.cache;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.BackgroundRefresh.Refresher;
import dev.redispatterns.cache.CacheEntry.Freshness;
import dev.redispatterns.cache.CacheEntryCodec.StoredValue;
import dev.redispatterns.cache.CacheInvocation.Pending;
import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.cache.CacheListener.Result;
import dev.redispatterns.core.RedisPatternsException;

/**
 * How one cache looks a key up: near cache, then Redis, with the request's result reported and, for an
 * entry due for refresh, the refresh started with whatever this caller can recompute it with.
 */
final class CacheReads {

	private final RedisPatternsCache cache;

	private final CacheScope scope;

	private final CacheChannel channel;

	private final BackgroundRefresh refresh;

	private final CacheWrites writes;

	CacheReads(RedisPatternsCache cache, CacheScope scope, CacheChannel channel, BackgroundRefresh refresh,
			CacheWrites writes) {
		this.cache = cache;
		this.scope = scope;
		this.channel = channel;
		this.refresh = refresh;
		this.writes = writes;
	}

	/** Near cache, then Redis. Reports the request's result. */
	Lookup lookup(Object key, String entryKey, @Nullable CacheInvocation invocation, @Nullable Callable<?> callable,
			@Nullable Supplier<? extends CompletableFuture<?>> supplier) {
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
					this.scope.runtime.connector.commands().get(CacheCommands.utf8(entryKey)), this.scope.policy.timeout());
		}
		catch (RedisPatternsException ex) {
			return missBecauseUnavailable(ex);
		}
		return found(key, entryKey, raw, mark, invocation, callable, supplier);
	}

	Lookup missBecauseUnavailable(@Nullable Throwable cause) {
		this.scope.unavailable(Operation.READ, cause);
		this.scope.listener.onRequest(this.scope.name, Result.MISS);
		return Lookup.UNAVAILABLE;
	}

	@Nullable Lookup nearLookup(Object key, String entryKey, @Nullable CacheInvocation invocation,
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
		this.scope.listener.onRequest(this.scope.name, Result.NEAR_HIT);
		return Lookup.hit(entry.value());
	}

	/** What Redis answered for {@code entryKey} (read after {@code mark}), as a lookup. */
	Lookup found(Object key, String entryKey, byte @Nullable [] raw, long mark, @Nullable CacheInvocation invocation,
			@Nullable Callable<?> callable, @Nullable Supplier<? extends CompletableFuture<?>> supplier) {
		StoredValue stored = (raw != null) ? this.scope.entries.decode(entryKey, raw) : null;
		if (stored == null) {
			this.scope.listener.onRequest(this.scope.name, Result.MISS);
			return (raw != null) ? Lookup.UNREADABLE : Lookup.MISS;
		}
		long now = System.currentTimeMillis();
		Freshness freshness = stored.entry().freshness(now, this.scope.policy);
		if (freshness != Freshness.FRESH) {
			Refresher refresher = refresher(key, entryKey, invocation, callable, supplier);
			if (refresher == null && freshness == Freshness.STALE) {
				// nobody here can recompute it: better a miss than serving stale data until it is gone
				this.scope.listener.onRequest(this.scope.name, Result.MISS);
				return Lookup.UNREADABLE;
			}
			this.refresh.start(entryKey, stored.entry().expiresAtMillis(), refresher);
		}
		if (freshness == Freshness.STALE) {
			this.scope.listener.onRequest(this.scope.name, Result.STALE);
			return Lookup.hit(stored.value());
		}
		this.scope.listener.onRequest(this.scope.name, Result.HIT);
		this.channel.fillNear(entryKey, stored.value(), stored.entry().expiresAtMillis(), stored.entry().loadMillis(),
				now, mark);
		return Lookup.hit(stored.value());
	}

	/** The entry's {@code GET}, bounded by the cache's timeout. */
	CompletableFuture<byte @Nullable []> getAsync(String entryKey) {
		try {
			return this.scope.timed(this.scope.commands().get(CacheCommands.utf8(entryKey)));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** How this caller could recompute the entry in the background, if it can. */
	private @Nullable Refresher refresher(Object key, String entryKey, @Nullable CacheInvocation invocation,
			@Nullable Callable<?> callable, @Nullable Supplier<? extends CompletableFuture<?>> supplier) {
		if (callable != null) {
			return (lease) -> {
				long start = System.nanoTime();
				Object value = callable.call();
				this.writes.fill(key, entryKey, value, lease, System.nanoTime() - start);
				return value;
			};
		}
		if (supplier != null) {
			return (lease) -> {
				long start = System.nanoTime();
				return supplier.get()
					.thenCompose((value) -> this.writes.fillAsync(key, entryKey, value, lease, System.nanoTime() - start));
			};
		}
		CacheInvocation.Replay replay = (invocation != null) ? invocation.replay() : null;
		if (replay == null) {
			return null;
		}
		return (lease) -> {
			// Spring's put of the replayed method is this refresh's fill
			Pending target = new Pending(this.cache, entryKey, key, lease, System.nanoTime(), null);
			CacheInvocation refreshing = CacheInvocation.openRefresh(target);
			Object result;
			try {
				result = replay.proceed();
			}
			catch (Throwable ex) {
				CacheMisses.forgetAll(refreshing);
				throw ex;
			}
			finally {
				refreshing.detach();
			}
			if (result instanceof CompletableFuture<?> future) {
				return future.whenComplete((value, failure) -> CacheMisses.forgetAll(refreshing));
			}
			CacheMisses.forgetAll(refreshing);
			return result;
		};
	}

	/** Result of looking up a key in the near cache and Redis. */
	static final class Lookup {

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
