package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.JsonValueCodec;
import dev.redispatterns.core.ValueDecodingException;

/**
 * The bytes stored for one entry: a header followed by the codec's JSON, in one of two formats.
 * <pre>
 * byte 0      format version: 1 = self-describing JSON follows, 2 = the value's class follows, then its JSON
 * byte 1      flags: bit 0 = the cached value is null (no JSON follows),
 *                    bit 1 = sealed: an encrypted payload follows (a null value is encrypted JSON null)
 * bytes 2-9   logical expiry, epoch milliseconds (big endian)
 * bytes 10-13 how long the load took, milliseconds (XFetch's delta)
 * version 2 only:
 * bytes 14-15 length n of the class name (big endian, 1 or more)
 * n bytes     the value's class name, UTF-8
 * </pre>
 * Version 2 ({@link JsonValueCodec#encodeForType}) is written for values whose class fixes the root's
 * type id (records, final classes): a hit reads the JSON with a reader made once for that class instead of
 * resolving a type id in the JSON. Null values, sealed entries and every other value are written in
 * version 1, the format of earlier versions, which is read as before; an instance of an earlier version
 * reads a version 2 entry as corrupt, a miss.
 * <p>
 * The physical Redis TTL is the logical one plus the stale-while-revalidate window, so a reading
 * instance can tell fresh, early-refresh and stale entries apart from the value alone: a hit stays one
 * {@code GET}. A sealed entry's header and its Redis key are the associated data of its encryption, so
 * changing either, or copying the entry to another key, makes it unreadable. Expiry is compared with the reader's clock, so clock skew between instances shifts
 * refresh timing by the skew (Redis still expires the key by its own clock).
 */
final class CacheEntry {

	static final byte VERSION = 1;

	/** Format of entries that name their value's class in the header. */
	static final byte TYPED_VERSION = 2;

	static final int HEADER_LENGTH = 14;

	/** Longest class name a typed header holds (an unsigned short). */
	static final int MAX_TYPE_ID_LENGTH = 0xFFFF;

	private static final byte NULL_FLAG = 1;

	private static final byte SEALED_FLAG = 2;

	private final byte[] bytes;

	private final boolean nullValue;

	private final boolean sealed;

	private final long expiresAtMillis;

	private final int loadMillis;

	/** Length of the class name of a typed entry, 0 for version 1. */
	private final int typeIdLength;

	private CacheEntry(byte[] bytes, boolean nullValue, boolean sealed, long expiresAtMillis, int loadMillis,
			int typeIdLength) {
		this.bytes = bytes;
		this.nullValue = nullValue;
		this.sealed = sealed;
		this.expiresAtMillis = expiresAtMillis;
		this.loadMillis = loadMillis;
		this.typeIdLength = typeIdLength;
	}

	/** Freshness of an entry at the moment it is read. */
	enum Freshness {

		FRESH,

		/** Still valid, but XFetch decided this read should trigger a background recomputation. */
		REFRESH,

		/** Past its logical expiry, inside the stale-while-revalidate window. */
		STALE

	}

	static byte[] encode(byte @Nullable [] payload, long expiresAtMillis, long loadMillis) {
		byte[] header = header((payload != null) ? 0 : NULL_FLAG, expiresAtMillis, loadMillis);
		return (payload != null) ? concat(header, payload) : header;
	}

	/**
	 * A version 2 entry: {@code json} is the value's JSON for a reader told its class, {@code typeId}.
	 * @return {@code null} if the class name is too long for the header (the caller writes version 1)
	 */
	static byte @Nullable [] encodeTyped(String typeId, byte[] json, long expiresAtMillis, long loadMillis) {
		byte[] type = typeId.getBytes(StandardCharsets.UTF_8);
		if (type.length == 0 || type.length > MAX_TYPE_ID_LENGTH) {
			return null;
		}
		byte[] bytes = new byte[HEADER_LENGTH + 2 + type.length + json.length];
		writeHeader(bytes, TYPED_VERSION, (byte) 0, expiresAtMillis, loadMillis);
		bytes[HEADER_LENGTH] = (byte) (type.length >>> 8);
		bytes[HEADER_LENGTH + 1] = (byte) type.length;
		System.arraycopy(type, 0, bytes, HEADER_LENGTH + 2, type.length);
		System.arraycopy(json, 0, bytes, HEADER_LENGTH + 2 + type.length, json.length);
		return bytes;
	}

	/** An entry whose value (null included) is encrypted, bound to the header and {@code entryKey}. */
	static byte[] encodeSealed(EncryptingValueCodec codec, String entryKey, @Nullable Object value, long expiresAtMillis,
			long loadMillis) {
		byte[] header = header(SEALED_FLAG, expiresAtMillis, loadMillis);
		return concat(header, codec.encode(value, associatedData(header, entryKey)));
	}

	private static byte[] header(byte flags, long expiresAtMillis, long loadMillis) {
		byte[] header = new byte[HEADER_LENGTH];
		writeHeader(header, VERSION, flags, expiresAtMillis, loadMillis);
		return header;
	}

	private static void writeHeader(byte[] bytes, byte version, byte flags, long expiresAtMillis, long loadMillis) {
		bytes[0] = version;
		bytes[1] = flags;
		putLong(bytes, 2, expiresAtMillis);
		putInt(bytes, 10, (int) Math.min(Integer.MAX_VALUE, Math.max(0, loadMillis)));
	}

	/** The fixed-length header, then the key: unambiguous. */
	private static byte[] associatedData(byte[] entry, String entryKey) {
		byte[] key = entryKey.getBytes(StandardCharsets.UTF_8);
		byte[] data = Arrays.copyOf(entry, HEADER_LENGTH + key.length);
		System.arraycopy(key, 0, data, HEADER_LENGTH, key.length);
		return data;
	}

	private static byte[] concat(byte[] header, byte[] payload) {
		byte[] bytes = Arrays.copyOf(header, header.length + payload.length);
		System.arraycopy(payload, 0, bytes, header.length, payload.length);
		return bytes;
	}

	/**
	 * Reads the header.
	 * @throws ValueDecodingException if the bytes are not an entry of this format
	 */
	static CacheEntry decode(byte[] bytes) {
		if (bytes.length >= HEADER_LENGTH + 2 && bytes[0] == TYPED_VERSION && bytes[1] == 0) {
			int typeIdLength = ((bytes[HEADER_LENGTH] & 0xFF) << 8) | (bytes[HEADER_LENGTH + 1] & 0xFF);
			if (typeIdLength == 0 || HEADER_LENGTH + 2 + typeIdLength >= bytes.length) {
				throw new ValueDecodingException(ValueDecodingException.Reason.CORRUPT, null,
						"Cache entry of format version " + TYPED_VERSION + " without a class or JSON", null);
			}
			return new CacheEntry(bytes, false, false, getLong(bytes, 2), getInt(bytes, 10), typeIdLength);
		}
		if (bytes.length < HEADER_LENGTH || bytes[0] != VERSION || (bytes[1] != 0 && bytes[1] != NULL_FLAG
				&& bytes[1] != SEALED_FLAG)) {
			throw new ValueDecodingException(ValueDecodingException.Reason.CORRUPT, null,
					"Not a cache entry of format version " + VERSION + " or " + TYPED_VERSION, null);
		}
		boolean nullValue = (bytes[1] & NULL_FLAG) != 0;
		if (nullValue && bytes.length != HEADER_LENGTH) {
			throw new ValueDecodingException(ValueDecodingException.Reason.CORRUPT, null,
					"Null cache entry with a payload", null);
		}
		return new CacheEntry(bytes, nullValue, bytes[1] == SEALED_FLAG, getLong(bytes, 2), getInt(bytes, 10), 0);
	}

	/** Whether the cached value is null (never for a sealed entry, whose null is inside the ciphertext). */
	boolean isNull() {
		return this.nullValue;
	}

	boolean isSealed() {
		return this.sealed;
	}

	/** Whether the header names the value's class (version 2). */
	boolean isTyped() {
		return this.typeIdLength > 0;
	}

	/** The stored bytes (not a copy): a typed entry's class name and JSON are read in place. */
	byte[] bytes() {
		return this.bytes;
	}

	/** Where a typed entry's class name starts in {@link #bytes()}. */
	int typeIdOffset() {
		return HEADER_LENGTH + 2;
	}

	int typeIdLength() {
		return this.typeIdLength;
	}

	/** Where the JSON starts in {@link #bytes()}. */
	int payloadOffset() {
		return (this.typeIdLength > 0) ? HEADER_LENGTH + 2 + this.typeIdLength : HEADER_LENGTH;
	}

	/**
	 * Decrypts and decodes a sealed entry read from {@code entryKey}.
	 * @throws ValueDecodingException {@code NOT_AUTHENTIC} if the entry was changed or written for another key
	 */
	@Nullable Object openValue(EncryptingValueCodec codec, String entryKey) {
		return codec.decode(payload(), associatedData(this.bytes, entryKey));
	}

	long expiresAtMillis() {
		return this.expiresAtMillis;
	}

	int loadMillis() {
		return this.loadMillis;
	}

	/** The codec's bytes (a copy: the codec takes a whole array). */
	byte[] payload() {
		return Arrays.copyOfRange(this.bytes, payloadOffset(), this.bytes.length);
	}

	Freshness freshness(long nowMillis, CachePolicy policy) {
		return freshness(nowMillis, this.expiresAtMillis, this.loadMillis, policy);
	}

	/**
	 * XFetch (Vattani, Chierichetti, Lowenstein, VLDB 2015): recompute early when
	 * {@code now - delta * beta * ln(random) >= expiry}. The closer the expiry and the longer the load,
	 * the likelier a read triggers the recomputation, so one of the many readers of a hot key refreshes
	 * it just before it expires, while cold keys are left to expire.
	 */
	static Freshness freshness(long nowMillis, long expiresAtMillis, int loadMillis, CachePolicy policy) {
		if (nowMillis >= expiresAtMillis) {
			return policy.staleWhileRevalidate().isZero() ? (policy.refreshAhead() ? Freshness.REFRESH : Freshness.FRESH)
					: Freshness.STALE;
		}
		if (policy.refreshAhead() && loadMillis > 0) {
			double random = 1.0 - ThreadLocalRandom.current().nextDouble();
			double gap = -loadMillis * policy.refreshAheadBeta() * Math.log(random);
			if (nowMillis + gap >= expiresAtMillis) {
				return Freshness.REFRESH;
			}
		}
		return Freshness.FRESH;
	}

	private static void putLong(byte[] bytes, int offset, long value) {
		for (int i = 7; i >= 0; i--) {
			bytes[offset + i] = (byte) value;
			value >>>= 8;
		}
	}

	private static long getLong(byte[] bytes, int offset) {
		long value = 0;
		for (int i = 0; i < 8; i++) {
			value = (value << 8) | (bytes[offset + i] & 0xFF);
		}
		return value;
	}

	private static void putInt(byte[] bytes, int offset, int value) {
		for (int i = 3; i >= 0; i--) {
			bytes[offset + i] = (byte) value;
			value >>>= 8;
		}
	}

	private static int getInt(byte[] bytes, int offset) {
		int value = 0;
		for (int i = 0; i < 4; i++) {
			value = (value << 8) | (bytes[offset + i] & 0xFF);
		}
		return value;
	}

}
