package dev.redispatterns.core;

/**
 * A value could not be written to Redis: its type is not in the codec's allow-list, it cannot be
 * represented as JSON, or it is larger than {@code redis.patterns.codec.max-value-size}.
 */
public class ValueEncodingException extends RedisPatternsException {

	public ValueEncodingException(String message) {
		super(message);
	}

	public ValueEncodingException(String message, Throwable cause) {
		super(message, cause);
	}

}
