package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.springframework.data.redis.connection.ReturnType;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.PatternCommands;
import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * The Redis side of the caches: one {@code GET} per read, one script per lease, fill, put, release or
 * eviction, {@code SCAN} + {@code UNLINK} to clear. Every script keeps its keys in the entry's slot: the
 * entry, its loading lease and its fill ticket.
 * <p>
 * The fill ticket makes loads lose against writes (the lease invalidation of Facebook's memcache, NSDI
 * 2013): a load gets the key's ticket before it reads the source of truth, and its fill stores only while
 * that ticket is still the key's. A put, an eviction, a clear and every successful fill remove the ticket,
 * so no load that began before them can store afterwards.
 */
final class CacheCommands {

	static final LuaScript ACQUIRE = LuaScript.load(CacheCommands.class, "cache_acquire.lua");

	static final LuaScript FILL = LuaScript.load(CacheCommands.class, "cache_fill.lua");

	static final LuaScript PUT = LuaScript.load(CacheCommands.class, "cache_put.lua");

	static final LuaScript PUT_IF_ABSENT = LuaScript.load(CacheCommands.class, "cache_put_if_absent.lua");

	static final LuaScript RELEASE = LuaScript.load(CacheCommands.class, "cache_release.lua");

	static final LuaScript RENEW = LuaScript.load(CacheCommands.class, "cache_renew.lua");

	static final LuaScript REFRESH_LEASE = LuaScript.load(CacheCommands.class, "cache_refresh_lease.lua");

	static final LuaScript EVICT = LuaScript.load(CacheCommands.class, "cache_evict.lua");

	private static final byte[] ONE = { '1' };

	private static final byte[] ZERO = { '0' };

	private static final byte[] EMPTY = new byte[0];

	private static final int SCAN_BATCH = 500;

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	CacheCommands(RedisConnector connector, ScriptExecutor scripts) {
		this.connector = connector;
		this.scripts = scripts;
	}

	RedisConnector connector() {
		return this.connector;
	}

	CompletableFuture<byte @Nullable []> get(byte[] entryKey) {
		return this.connector.commands().get(entryKey);
	}

	/**
	 * Result of {@link #acquire}: the entry if it exists, otherwise the key's fill ticket and whether the
	 * lease was taken.
	 */
	record Acquired(byte @Nullable [] entry, byte @Nullable [] ticket, boolean leased) {

	}

	/**
	 * Returns the entry if it exists (and {@code returnEntry}), otherwise the key's fill ticket, taking the
	 * loading lease under {@code token} unless it is {@code null}.
	 */
	CompletableFuture<Acquired> acquire(Keys keys, byte @Nullable [] token, byte[] newTicket, long leaseMillis,
			boolean returnEntry) {
		CompletableFuture<List<Object>> reply = this.scripts.execute(ACQUIRE, ReturnType.MULTI, keys.all(),
				(token != null) ? token : EMPTY, ScriptExecutor.arg(leaseMillis), returnEntry ? ONE : ZERO, newTicket);
		return reply.thenApply((list) -> {
			long state = (Long) list.get(0);
			if (state == 2) {
				return new Acquired((byte[]) list.get(1), null, false);
			}
			return new Acquired(null, (byte[]) list.get(1), state == 1);
		});
	}

	/** Stores a loaded entry if {@code ticket} is still the key's; completes with whether it was stored. */
	CompletableFuture<Boolean> fill(Keys keys, byte[] entry, long ttlMillis, byte @Nullable [] token, byte[] ticket,
			byte[] channel, byte[] message) {
		CompletableFuture<Long> stored = this.scripts.execute(FILL, ReturnType.INTEGER, keys.all(), entry,
				ScriptExecutor.arg(ttlMillis), (token != null) ? token : EMPTY, ticket, channel, message);
		return stored.thenApply((result) -> result == 1L);
	}

	/** Stores an entry unconditionally and voids the loads in flight. */
	CompletableFuture<Long> put(Keys keys, byte[] entry, long ttlMillis, byte[] channel, byte[] message) {
		return this.scripts.execute(PUT, ReturnType.INTEGER, keys.all(), entry, ScriptExecutor.arg(ttlMillis),
				channel, message);
	}

	CompletableFuture<byte @Nullable []> putIfAbsent(Keys keys, byte[] entry, long ttlMillis, byte[] channel,
			byte[] message) {
		return this.scripts.execute(PUT_IF_ABSENT, ReturnType.VALUE, keys.all(), entry,
				ScriptExecutor.arg(ttlMillis), channel, message);
	}

	CompletableFuture<Long> release(byte[] leaseKey, byte[] token, byte[] channel, byte[] message) {
		return this.scripts.execute(RELEASE, ReturnType.INTEGER, new byte[][] { leaseKey }, token, channel,
				message);
	}

	/** Extends a load's lease (when {@code token} is given and still held) and its fill ticket. */
	CompletableFuture<Long> renew(Keys keys, byte @Nullable [] token, byte[] ticket, long leaseMillis) {
		return this.scripts.execute(RENEW, ReturnType.INTEGER, new byte[][] { keys.lease(), keys.ticket() },
				(token != null) ? token : EMPTY, ticket, ScriptExecutor.arg(leaseMillis));
	}

	/**
	 * Takes a lease for refreshing the entry that expires at {@code expiresAtMillis}, unless the entry was
	 * replaced meanwhile or the lease is held; completes with the key's fill ticket when it was taken, else
	 * {@code null}.
	 */
	CompletableFuture<byte @Nullable []> tryRefreshLease(Keys keys, byte[] token, byte[] newTicket, long leaseMillis,
			long expiresAtMillis) {
		byte[] expiry = new byte[8];
		long value = expiresAtMillis;
		for (int i = 7; i >= 0; i--) {
			expiry[i] = (byte) value;
			value >>>= 8;
		}
		return this.scripts.execute(REFRESH_LEASE, ReturnType.VALUE, keys.all(), token,
				ScriptExecutor.arg(leaseMillis), expiry, newTicket);
	}

	CompletableFuture<Long> evict(Keys keys, byte[] channel, byte[] message) {
		return this.scripts.execute(EVICT, ReturnType.INTEGER, keys.all(), channel, message);
	}

	/**
	 * Removes every key matching {@code pattern} — entries, leases and fill tickets — with {@code SCAN}
	 * (never {@code KEYS}) and {@code UNLINK}, twice; with Redis Cluster, the {@code SCAN}
	 * walks every primary. Removing the tickets voids every load in flight, but a load may have filled
	 * during the first walk behind its cursor: the second walk removes what such loads stored.
	 * @return how many entries were removed
	 */
	long clear(String pattern, Duration stepTimeout) {
		return clearOnce(pattern, stepTimeout) + clearOnce(pattern, stepTimeout);
	}

	private long clearOnce(String pattern, Duration stepTimeout) {
		PatternCommands.KeyScan scan = this.connector.commands().scan(pattern, SCAN_BATCH);
		long removed = 0;
		while (true) {
			List<byte[]> keys;
			try {
				keys = scan.next(stepTimeout);
			}
			catch (RuntimeException ex) {
				throw RedisConnector.translate(ex);
			}
			if (!keys.isEmpty()) {
				this.connector.await(this.connector.commands().unlink(keys.toArray(new byte[0][])), stepTimeout);
				for (byte[] key : keys) {
					if (key.length > 0 && key[key.length - 1] == '}') {
						removed++;
					}
				}
			}
			this.scanned.run();
			if (scan.finished()) {
				return removed;
			}
		}
	}

	/** Runs after each {@code SCAN} page of a clear; tests hold a clear there. */
	volatile Runnable scanned = () -> {
	};

	CompletableFuture<Long> publish(byte[] channel, byte[] message) {
		return this.connector.commands().publish(channel, message);
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** The keys of one entry, all in the entry's slot: the entry, its loading lease and its fill ticket. */
	record Keys(byte[] entry, byte[] lease, byte[] ticket) {

		static Keys of(String entryKey) {
			return new Keys(utf8(entryKey), utf8(entryKey + ":lease"), utf8(entryKey + ":ticket"));
		}

		byte[][] all() {
			return new byte[][] { this.entry, this.lease, this.ticket };
		}

	}

}
