package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * A message on a cache's channel: {@code [type][origin: 8 bytes][entry key]}. One channel per cache
 * name carries both the wake-ups of callers waiting for a load and the invalidations of near caches;
 * the origin lets an instance ignore its own invalidations.
 */
record CacheMessage(byte type, long origin, String entryKey) {

	/** An entry was stored: waiters read it, other instances drop their near-cache copy. */
	static final byte FILLED = 'F';

	/** A load failed and its lease was released: one waiter takes over. */
	static final byte RETRY = 'R';

	/** A load finished without storing a value (unless/null): waiters load themselves. */
	static final byte SKIPPED = 'S';

	/** An entry was evicted. */
	static final byte EVICTED = 'E';

	/** The whole cache was cleared. */
	static final byte CLEARED = 'C';

	static byte[] encode(byte type, long origin, String entryKey) {
		byte[] key = entryKey.getBytes(StandardCharsets.UTF_8);
		byte[] message = new byte[9 + key.length];
		message[0] = type;
		for (int i = 8; i >= 1; i--) {
			message[i] = (byte) origin;
			origin >>>= 8;
		}
		System.arraycopy(key, 0, message, 9, key.length);
		return message;
	}

	static @Nullable CacheMessage decode(byte[] message) {
		if (message.length < 9) {
			return null;
		}
		long origin = 0;
		for (int i = 1; i <= 8; i++) {
			origin = (origin << 8) | (message[i] & 0xFF);
		}
		return new CacheMessage(message[0], origin, new String(message, 9, message.length - 9, StandardCharsets.UTF_8));
	}

}
