package dev.redispatterns.core;

import org.jspecify.annotations.Nullable;

/**
 * Turns values into bytes for Redis and back. There is no JDK serialization anywhere: the default
 * implementation is {@link JsonValueCodec}, JSON with an allow-list of types.
 */
public interface ValueCodec {

	/**
	 * Encodes a value together with its type, so {@link #decode(byte[])} can restore it without being
	 * told the type (cache entries, session attributes).
	 * @throws ValueEncodingException if the value's type, or a type inside it, is not allowed, or the
	 * result is larger than the configured maximum
	 */
	byte[] encode(@Nullable Object value);

	/**
	 * Decodes bytes written by {@link #encode(Object)}.
	 * @throws ValueDecodingException if the bytes are not a valid payload or name a type outside the
	 * allow-list; nothing of a refused type is ever instantiated
	 */
	@Nullable Object decode(byte[] bytes);

	/**
	 * Checks bytes that are written as they are (a {@code byte[]} message payload) against the same size
	 * limit as encoded values.
	 * @return {@code bytes}
	 * @throws ValueEncodingException if they are larger than the configured maximum
	 */
	default byte[] checkSize(byte[] bytes) {
		return bytes;
	}

	/**
	 * Encodes a value as plain JSON, without type information, for a reader that knows the type
	 * (message payloads read by a typed listener, possibly in another language).
	 */
	byte[] write(@Nullable Object value);

	/**
	 * Reads plain JSON as {@code type}.
	 * @throws ValueDecodingException if the bytes cannot be read as that type
	 */
	<T> @Nullable T read(byte[] bytes, Class<T> type);

}
