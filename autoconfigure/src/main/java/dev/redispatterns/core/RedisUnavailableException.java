package dev.redispatterns.core;

/**
 * Redis could not be reached or did not answer within the configured timeout. Features translate it
 * into their documented failure behaviour (cache falls back to the method, rate limits follow
 * {@code fail-open}, locks fail closed).
 */
public class RedisUnavailableException extends RedisPatternsException {

	public RedisUnavailableException(String message) {
		super(message);
	}

	public RedisUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
