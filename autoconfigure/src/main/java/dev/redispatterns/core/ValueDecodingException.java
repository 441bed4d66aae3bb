package dev.redispatterns.core;

import org.jspecify.annotations.Nullable;

/**
 * Bytes read from Redis could not be turned back into a value. Callers treat this as a miss: a corrupt
 * or hostile payload must never break the application nor instantiate a type outside the allow-list.
 */
public class ValueDecodingException extends RedisPatternsException {

	/** Why decoding failed. */
	public enum Reason {

		/** Not a payload this codec wrote (truncated, garbage, a different format). */
		CORRUPT,

		/** The payload names a type outside the allow-list. */
		TYPE_NOT_ALLOWED,

		/** The payload is valid but holds a different type than the caller expects. */
		UNEXPECTED_TYPE,

		/**
		 * An encrypted payload failed authentication: changed in Redis, copied from another key, or sealed
		 * with a key that is not configured. Nothing of it was decoded.
		 */
		NOT_AUTHENTIC

	}

	private final Reason reason;

	private final @Nullable String typeName;

	public ValueDecodingException(Reason reason, @Nullable String typeName, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.typeName = typeName;
	}

	public Reason reason() {
		return this.reason;
	}

	/** The type named by the payload, when known. */
	public @Nullable String typeName() {
		return this.typeName;
	}

}
