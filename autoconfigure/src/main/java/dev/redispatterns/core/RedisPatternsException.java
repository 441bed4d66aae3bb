package dev.redispatterns.core;

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

}
