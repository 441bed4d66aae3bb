package dev.redispatterns.messaging;

/**
 * Thrown by a stream or queue handler for a message that can never succeed (unreadable payload, invalid
 * content): the message goes to the dead-letter stream at once instead of being retried. Payloads that
 * cannot be decoded into the listener's parameter type are treated the same way.
 */
public class PoisonMessageException extends RuntimeException {

	public PoisonMessageException(String message) {
		super(message);
	}

	public PoisonMessageException(String message, Throwable cause) {
		super(message, cause);
	}

}
