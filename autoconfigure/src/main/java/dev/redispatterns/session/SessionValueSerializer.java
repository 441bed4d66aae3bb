package dev.redispatterns.session;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.SerializationException;

import dev.redispatterns.core.ValueCipher;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.ValueDecodingException;

/**
 * Spring Session's values (attributes, its own metadata, the created-event payload) as the starter's JSON,
 * never JDK serialization. A value outside the codec's allow-list is refused when written. Reading hash
 * values never throws: a value that cannot be decoded becomes an {@link UnreadableValue}, so the session
 * mapper can treat the whole session as invalid instead of failing the request. Encrypted attributes pass
 * through as {@link SealedValue}s, opened by the session that knows where they belong; they are left out of
 * the created-event payload, which is published to every subscriber.
 */
final class SessionValueSerializer implements RedisSerializer<Object> {

	private static final byte[] EMPTY = new byte[0];

	private final ValueCodec codec;

	private final boolean lenient;

	private SessionValueSerializer(ValueCodec codec, boolean lenient) {
		this.codec = codec;
		this.lenient = lenient;
	}

	/** For hash values: unreadable values become {@link UnreadableValue} markers. */
	static SessionValueSerializer forHashValues(ValueCodec codec) {
		return new SessionValueSerializer(codec, true);
	}

	/** For set members and event payloads: unreadable values throw {@link SerializationException}. */
	static SessionValueSerializer strict(ValueCodec codec) {
		return new SessionValueSerializer(codec, false);
	}

	@Override
	public byte[] serialize(@Nullable Object value) {
		if (value instanceof SealedValue sealed) {
			return sealed.bytes();
		}
		if (value instanceof Map<?, ?> map && map.values().stream().anyMatch(SealedValue.class::isInstance)) {
			Map<Object, Object> open = new LinkedHashMap<>();
			map.forEach((name, entry) -> {
				if (!(entry instanceof SealedValue)) {
					open.put(name, entry);
				}
			});
			return this.codec.encode(open);
		}
		// Spring Session writes removed attributes as null: an empty field, read back as null.
		return (value != null) ? this.codec.encode(value) : EMPTY;
	}

	@Override
	public @Nullable Object deserialize(byte @Nullable [] bytes) {
		if (bytes == null || bytes.length == 0) {
			return null;
		}
		if (this.lenient && ValueCipher.isSealed(bytes)) {
			return new SealedValue(bytes);
		}
		try {
			return this.codec.decode(bytes);
		}
		catch (ValueDecodingException ex) {
			if (this.lenient) {
				return new UnreadableValue(ex);
			}
			throw new SerializationException("Cannot read session data: " + ex.getMessage(), ex);
		}
	}

	/** An encrypted attribute as stored: opened only by {@link RedisPatternsSession#getAttribute}. */
	record SealedValue(byte[] bytes) {

		@Override
		public String toString() {
			return "SealedValue[" + this.bytes.length + " bytes]";
		}

	}

	/**
	 * Stands in for a stored value that could not be decoded (corrupt, or naming a type outside the
	 * allow-list, which was never loaded).
	 */
	record UnreadableValue(ValueDecodingException failure) {

		ValueDecodingException.Reason reason() {
			return this.failure.reason();
		}

	}

}
