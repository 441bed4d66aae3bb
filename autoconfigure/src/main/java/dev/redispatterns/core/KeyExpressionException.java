package dev.redispatterns.core;

/**
 * A key expression on an annotation could not be parsed, could not be evaluated, or evaluated to
 * {@code null}. The message names the annotation, the method and the expression.
 */
public class KeyExpressionException extends RedisPatternsException {

	public KeyExpressionException(String message, Throwable cause) {
		super(message, cause);
	}

	public KeyExpressionException(String message) {
		super(message);
	}

}
