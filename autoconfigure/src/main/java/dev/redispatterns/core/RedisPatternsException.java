package dev.redispatterns.core;

import org.jspecify.annotations.Nullable;

/**
 * Base of the exceptions the starter throws, so applications can catch them as one family.
 */
public class RedisPatternsException extends RuntimeException {

	public RedisPatternsException(String message) {
		super(message);
	}

	public RedisPatternsException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * For answers rather than faults, thrown often and caught by the caller or the web layer: without a
	 * stack trace they cost little more than their fields.
	 */
	protected RedisPatternsException(@Nullable String message, @Nullable Throwable cause, boolean writableStackTrace) {
		super(message, cause, false, writableStackTrace);
	}

}
