package dev.redispatterns.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.support.SimpleValueWrapper;

import dev.redispatterns.cache.CacheEntryCodec.StoredValue;
import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.cache.Flights.Signal;
import dev.redispatterns.core.RedisPatternsException;

/**
 * What one cache writes to Redis: loads' fills (under their lease and fill ticket), puts, puts if absent,
 * evictions and clears, each followed by the near-cache and waiter bookkeeping of this instance. The
 * blocking forms wait for the asynchronous ones.
 */
final class CacheWrites {

	private static final Log logger = LogFactory.getLog(RedisPatternsCache.class);

	private final CacheScope scope;

	private final CacheChannel channel;

	private final CacheLeases leases;

	private final String scanPattern;

	CacheWrites(CacheScope scope, CacheChannel channel, CacheLeases leases, String scanPattern) {
		this.scope = scope;
		this.channel = channel;
		this.leases = leases;
		this.scanPattern = scanPattern;
	}

	/** Waits (bounded by {@code timeout}) for a store, unless on a thread that must not block. */
	private static boolean await(CompletableFuture<Boolean> stored) {
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

	boolean fill(Object key, String entryKey, @Nullable Object value, @Nullable Lease lease, long loadNanos) {
		return await(fillAsync(key, entryKey, value, lease, loadNanos));
	}

	/**
	 * Stores a loaded value under the load's {@code lease}: only if no put, eviction, clear or other fill of
	 * the key happened since the lease was taken. Releases the lease either way and wakes this instance's
	 * waiters (with the entry when it was stored). Never fails for Redis being unavailable (the store is
	 * skipped and reported); a value the codec refuses is an error for the caller. Without a lease (Redis
	 * could not be asked when the load began) nothing is stored.
	 */
	CompletableFuture<Boolean> fillAsync(Object key, String entryKey, @Nullable Object value, @Nullable Lease lease,
			long loadNanos) {
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
			entry = this.scope.entries.encode(key, entryKey, value, loadNanos);
		}
		catch (RuntimeException ex) {
			this.leases.release(lease, CacheMessage.SKIPPED);
			throw ex;
		}
		this.scope.listener.onPut(this.scope.name);
		if (!this.scope.connected()) {
			// nothing can be stored or evicted now: local waiters may as well have this load's value
			this.scope.unavailable(Operation.WRITE, null);
			this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
			return CompletableFuture.completedFuture(false);
		}
		long mark = this.channel.mark(entryKey);
		CompletableFuture<Boolean> filled;
		try {
			filled = this.scope.commands().fill(lease.keys, entry, this.scope.entries.physicalTtlMillis(entry),
					lease.token, lease.ticket, this.scope.channel, this.scope.message(CacheMessage.FILLED, entryKey));
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
			stored(entryKey, mark, value, entry);
			return true;
		});
	}

	/** A write of {@code value} (never a load's fill), telling whether Redis confirmed it. */
	boolean write(Object key, String entryKey, @Nullable Object value) {
		return await(writeAsync(key, entryKey, value));
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
		byte[] entry = this.scope.entries.encode(key, entryKey, value, -1);
		this.scope.listener.onPut(this.scope.name);
		long mark = this.channel.beforeWrite(entryKey);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.WRITE, null);
			return CompletableFuture.completedFuture(false);
		}
		CompletableFuture<Long> written;
		try {
			written = this.scope.commands().put(CacheCommands.Keys.of(entryKey), entry,
					this.scope.entries.physicalTtlMillis(entry), this.scope.channel,
					this.scope.message(CacheMessage.FILLED, entryKey));
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
			stored(entryKey, mark, value, entry);
			return true;
		});
	}

	/** After a fill or write was stored: waiters here get the entry, the near cache may keep the value. */
	private void stored(String entryKey, long mark, @Nullable Object value, byte[] entry) {
		this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
		CacheEntry header = CacheEntry.decode(entry);
		this.channel.afterWrite(entryKey, mark, true, value, header.expiresAtMillis(), header.loadMillis());
	}

	/**
	 * Stores {@code value} (not {@code null} where nulls are not cached) unless an entry exists; the
	 * existing value, or {@code null} after storing or when Redis could not be asked.
	 */
	@Nullable ValueWrapper putIfAbsent(Object key, String entryKey, @Nullable Object value) {
		byte[] entry = this.scope.entries.encode(key, entryKey, value, -1);
		this.scope.listener.onPut(this.scope.name);
		long mark = this.channel.beforeWrite(entryKey);
		if (!this.scope.connected()) {
			this.scope.unavailable(Operation.WRITE, null);
			return null;
		}
		try {
			byte[] existing = this.scope.runtime.connector.await(
					this.scope.commands().putIfAbsent(CacheCommands.Keys.of(entryKey), entry,
							this.scope.entries.physicalTtlMillis(entry), this.scope.channel,
							this.scope.message(CacheMessage.FILLED, entryKey)),
					this.scope.policy.timeout());
			if (existing == null) {
				this.scope.flights.signal(entryKey, new Signal(CacheMessage.FILLED, entry));
				return null;
			}
			StoredValue stored = this.scope.entries.decode(entryKey, existing);
			return (stored != null) ? new SimpleValueWrapper(stored.value()) : null;
		}
		catch (RedisPatternsException ex) {
			this.scope.unavailable(Operation.WRITE, ex);
			return null;
		}
		finally {
			this.channel.afterWrite(entryKey, mark, false, null, 0, 0);
		}
	}

	/**
	 * Removes the entry and voids the loads in flight, in Redis, this instance's near cache and waiters: the
	 * number of entries removed, or -1 when Redis could not be reached.
	 */
	long unlink(String entryKey) {
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

	/**
	 * Removes every entry of the cache, on every master, with {@code SCAN} and {@code UNLINK} (never
	 * {@code KEYS}), voids every load in flight, and tells every instance to clear its near cache.
	 */
	boolean clear() {
		this.channel.clearNear();
		this.scope.listener.onEviction(this.scope.name, true);
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

}
