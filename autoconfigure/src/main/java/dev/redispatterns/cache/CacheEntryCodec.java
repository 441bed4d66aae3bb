package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.JsonValueCodec;
import dev.redispatterns.core.ValueDecodingException;

/**
 * The entries of one cache as bytes: values encoded (encrypted when the policy says so) with their logical
 * expiry and load time, read back, and the time to live Redis keeps them for.
 */
final class CacheEntryCodec {

	private static final Log logger = LogFactory.getLog(RedisPatternsCache.class);

	private static final long UNREADABLE_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final String name;

	private final CachePolicy policy;

	private final CacheRuntime runtime;

	/** The runtime's codec where it writes entries that name their class (version 2), else {@code null}. */
	private final @Nullable JsonValueCodec typedCodec;

	/** The class name last read from a typed header: a cache mostly holds one type, so hits reuse the name. */
	private volatile TypeName lastTypeName = new TypeName(new byte[0], "");

	private final AtomicLong unreadable = new AtomicLong();

	private final AtomicLong unreadableWarned = new AtomicLong();

	private final AtomicLong lastUnreadableWarning = new AtomicLong();

	/** Last load time seen, for entries stored without a measured load (e.g. {@code @CachePut}). */
	private volatile long lastLoadMillis;

	CacheEntryCodec(String name, CachePolicy policy, CacheRuntime runtime) {
		this.name = name;
		this.policy = policy;
		this.runtime = runtime;
		this.typedCodec = (runtime.codec instanceof JsonValueCodec json) ? json : null;
	}

	/**
	 * The entry for {@code value}, expiring after its time to live; {@code loadNanos} is how long its load
	 * took, negative when it was not loaded here (the last load time seen is stored instead).
	 */
	byte[] encode(Object key, String entryKey, @Nullable Object value, long loadNanos) {
		long loadMillis;
		if (loadNanos >= 0) {
			loadMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(loadNanos));
			this.lastLoadMillis = loadMillis;
		}
		else {
			loadMillis = this.lastLoadMillis;
		}
		return encode(entryKey, value, System.currentTimeMillis() + ttlMillis(key, value), loadMillis);
	}

	/** An entry in this cache's format: its value encrypted when the policy says so. */
	private byte[] encode(String entryKey, @Nullable Object value, long expiresAtMillis, long loadMillis) {
		if (this.policy.encrypt()) {
			return CacheEntry.encodeSealed(Objects.requireNonNull(this.runtime.encryption), entryKey, value,
					expiresAtMillis, loadMillis);
		}
		if (value != null && this.typedCodec != null) {
			byte[] json = this.typedCodec.encodeForType(value);
			byte[] entry = (json != null)
					? CacheEntry.encodeTyped(value.getClass().getName(), json, expiresAtMillis, loadMillis) : null;
			if (entry != null) {
				return entry;
			}
		}
		byte[] payload = (value != null) ? this.runtime.codec.encode(value) : null;
		return CacheEntry.encode(payload, expiresAtMillis, loadMillis);
	}

	/** The entry's logical time to live: configured (or from the TTL function) minus random jitter. */
	long ttlMillis(Object key, @Nullable Object value) {
		Duration ttl = null;
		CacheTtlFunction function = this.runtime.ttlFunction;
		if (function != null) {
			ttl = function.timeToLive(this.name, key, value);
		}
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			ttl = (value != null) ? this.policy.ttl() : this.policy.nullTtl();
		}
		long millis = Math.max(1, ttl.toMillis());
		long maxCut = millis * this.policy.ttlJitterPercent() / 100;
		if (maxCut > 0) {
			millis -= ThreadLocalRandom.current().nextLong(maxCut + 1);
		}
		return Math.max(1, millis);
	}

	/** Redis keeps an entry through its stale-while-revalidate window. */
	long physicalTtlMillis(byte[] entry) {
		long logical = CacheEntry.decode(entry).expiresAtMillis() - System.currentTimeMillis();
		return Math.max(1, logical) + this.policy.staleWhileRevalidate().toMillis();
	}

	/**
	 * Reads stored bytes found under {@code entryKey}; an entry that cannot be read (corrupt, a type outside
	 * the allow-list, an encrypted entry that fails authentication or an unencrypted one in an encrypting
	 * cache) is reported, logged at WARN level at most once a minute per cache, and {@code null}: a miss,
	 * never an exception.
	 */
	@Nullable StoredValue decode(String entryKey, byte[] raw) {
		try {
			CacheEntry entry = CacheEntry.decode(raw);
			Object value;
			if (entry.isSealed()) {
				EncryptingValueCodec encryption = this.runtime.encryption;
				if (encryption == null) {
					throw new ValueDecodingException(ValueDecodingException.Reason.NOT_AUTHENTIC, null,
							"Encrypted entry, but no encryption key is configured", null);
				}
				value = entry.openValue(encryption, entryKey);
			}
			else if (this.policy.encrypt()) {
				// an entry written in clear where values are encrypted: never trusted
				throw new ValueDecodingException(ValueDecodingException.Reason.NOT_AUTHENTIC, null,
						"Unencrypted entry in a cache that encrypts its values", null);
			}
			else if (entry.isTyped()) {
				value = decodeTyped(entry);
			}
			else {
				value = entry.isNull() ? null : this.runtime.codec.decode(entry.payload());
			}
			return new StoredValue(entry, value);
		}
		catch (ValueDecodingException ex) {
			CacheListener.DecodeFailure reason = switch (ex.reason()) {
				case TYPE_NOT_ALLOWED -> CacheListener.DecodeFailure.TYPE_NOT_ALLOWED;
				case NOT_AUTHENTIC -> CacheListener.DecodeFailure.NOT_AUTHENTIC;
				default -> CacheListener.DecodeFailure.CORRUPT;
			};
			this.runtime.listener.onDecodeFailure(this.name, reason);
			reportUnreadable(ex);
			return null;
		}
	}

	private @Nullable Object decodeTyped(CacheEntry entry) {
		JsonValueCodec codec = this.typedCodec;
		if (codec == null) {
			throw new ValueDecodingException(ValueDecodingException.Reason.CORRUPT, null,
					"Entry names its class, which only the JSON codec writes", null);
		}
		byte[] bytes = entry.bytes();
		int offset = entry.payloadOffset();
		return codec.decode(typeName(bytes, entry.typeIdOffset(), entry.typeIdLength()), bytes, offset,
				bytes.length - offset);
	}

	private String typeName(byte[] bytes, int offset, int length) {
		TypeName last = this.lastTypeName;
		if (Arrays.equals(bytes, offset, offset + length, last.utf8, 0, last.utf8.length)) {
			return last.name;
		}
		TypeName read = new TypeName(Arrays.copyOfRange(bytes, offset, offset + length),
				new String(bytes, offset, length, StandardCharsets.UTF_8));
		this.lastTypeName = read;
		return read.name;
	}

	/** Entries can be tampered with in bulk: WARN at most once a minute, with the count since, else DEBUG. */
	private void reportUnreadable(ValueDecodingException ex) {
		long unreadable = this.unreadable.incrementAndGet();
		String message = "Cache '" + this.name + "': unreadable entry treated as a miss (" + ex.getMessage() + ")";
		long now = System.nanoTime();
		long last = this.lastUnreadableWarning.get();
		if ((last == 0 || now - last >= UNREADABLE_WARNING_INTERVAL_NANOS)
				&& this.lastUnreadableWarning.compareAndSet(last, (now == 0) ? 1 : now)) {
			long since = unreadable - this.unreadableWarned.getAndSet(unreadable);
			logger.warn(message + "; " + since + " unreadable entries of this cache since the last warning, "
					+ "further ones within a minute are logged at DEBUG level");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	private record TypeName(byte[] utf8, String name) {

	}

	/** A stored entry, read: its header and its value. */
	record StoredValue(CacheEntry entry, @Nullable Object value) {

	}

}
