package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.LuaScript;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ScriptExecutor;

/**
 * The Redis side of the caches: one {@code GET} per read, one script per lease, fill, release or
 * eviction, {@code SCAN} + {@code UNLINK} to clear. Every script keeps its keys in the entry's slot.
 */
final class CacheCommands {

	static final LuaScript ACQUIRE = LuaScript.load(CacheCommands.class, "cache_acquire.lua");

	static final LuaScript FILL = LuaScript.load(CacheCommands.class, "cache_fill.lua");

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
		return this.connector.async().get(entryKey).toCompletableFuture();
	}

	/** Result of {@link #acquire}: the entry if it exists, otherwise whether the lease was taken. */
	record Acquired(byte @Nullable [] entry, boolean leased) {

	}

	CompletableFuture<Acquired> acquire(byte[] entryKey, byte[] leaseKey, byte[] token, long leaseMillis,
			boolean returnEntry) {
		CompletableFuture<List<Object>> reply = this.scripts.execute(ACQUIRE, ScriptOutputType.MULTI,
				new byte[][] { entryKey, leaseKey }, token, ScriptExecutor.arg(leaseMillis), returnEntry ? ONE : ZERO);
		return reply.thenApply((list) -> {
			long state = (Long) list.get(0);
			if (state == 2) {
				return new Acquired((byte[]) list.get(1), false);
			}
			return new Acquired(null, state == 1);
		});
	}

	CompletableFuture<Long> fill(byte[] entryKey, byte[] leaseKey, byte[] entry, long ttlMillis,
			byte @Nullable [] token, byte[] channel, byte[] message) {
		return this.scripts.execute(FILL, ScriptOutputType.INTEGER, new byte[][] { entryKey, leaseKey }, entry,
				ScriptExecutor.arg(ttlMillis), (token != null) ? token : EMPTY, channel, message);
	}

	CompletableFuture<byte @Nullable []> putIfAbsent(byte[] entryKey, byte[] entry, long ttlMillis, byte[] channel,
			byte[] message) {
		return this.scripts.execute(PUT_IF_ABSENT, ScriptOutputType.VALUE, new byte[][] { entryKey }, entry,
				ScriptExecutor.arg(ttlMillis), channel, message);
	}

	CompletableFuture<Long> release(byte[] leaseKey, byte[] token, byte[] channel, byte[] message) {
		return this.scripts.execute(RELEASE, ScriptOutputType.INTEGER, new byte[][] { leaseKey }, token, channel,
				message);
	}

	CompletableFuture<Long> renew(byte[] leaseKey, byte[] token, long leaseMillis) {
		return this.scripts.execute(RENEW, ScriptOutputType.INTEGER, new byte[][] { leaseKey }, token,
				ScriptExecutor.arg(leaseMillis));
	}

	/**
	 * Takes a lease for refreshing the entry that expires at {@code expiresAtMillis}, unless the entry was
	 * replaced meanwhile or the lease is held; completes with whether it was taken.
	 */
	CompletableFuture<Boolean> tryRefreshLease(byte[] entryKey, byte[] leaseKey, byte[] token, long leaseMillis,
			long expiresAtMillis) {
		byte[] expiry = new byte[8];
		long value = expiresAtMillis;
		for (int i = 7; i >= 0; i--) {
			expiry[i] = (byte) value;
			value >>>= 8;
		}
		CompletableFuture<Long> taken = this.scripts.execute(REFRESH_LEASE, ScriptOutputType.INTEGER,
				new byte[][] { entryKey, leaseKey }, token, ScriptExecutor.arg(leaseMillis), expiry);
		return taken.thenApply((result) -> result == 1L);
	}

	CompletableFuture<Long> evict(byte[] entryKey, byte[] channel, byte[] message) {
		return this.scripts.execute(EVICT, ScriptOutputType.INTEGER, new byte[][] { entryKey }, channel, message);
	}

	/**
	 * Removes every entry key matching {@code pattern} with {@code SCAN} (never {@code KEYS}) and
	 * {@code UNLINK}; with Redis Cluster, Lettuce's cluster {@code SCAN} walks every master. Lease keys
	 * are left alone: they expire on their own and their holders still fill.
	 * @return how many entries were removed
	 */
	long clear(String pattern, Duration stepTimeout) {
		ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH);
		ScanCursor cursor = ScanCursor.INITIAL;
		long removed = 0;
		while (true) {
			KeyScanCursor<byte[]> page = this.connector.await(this.connector.async().scan(cursor, args), stepTimeout);
			List<byte[]> entries = new ArrayList<>(page.getKeys().size());
			for (byte[] key : page.getKeys()) {
				if (key.length > 0 && key[key.length - 1] == '}') {
					entries.add(key);
				}
			}
			if (!entries.isEmpty()) {
				removed += this.connector.await(this.connector.async().unlink(entries.toArray(new byte[0][])), stepTimeout);
			}
			if (page.isFinished()) {
				return removed;
			}
			cursor = page;
		}
	}

	CompletableFuture<Long> publish(byte[] channel, byte[] message) {
		return this.connector.async().publish(channel, message).toCompletableFuture();
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
