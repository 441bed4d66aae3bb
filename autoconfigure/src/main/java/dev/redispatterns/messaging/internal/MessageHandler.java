package dev.redispatterns.messaging.internal;

import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.PoisonMessageException;

/**
 * Handles one stream entry or queue job. Returning means success: the message is then acknowledged
 * (stream) or removed (queue). Throwing leaves it to be delivered again, until the configured maximum of
 * deliveries moves it to the dead-letter stream; throwing {@link PoisonMessageException} dead-letters it
 * at once.
 */
@FunctionalInterface
public interface MessageHandler {

	/**
	 * @param payload the raw payload (the {@code payload} field of a stream entry, the body of a job)
	 * @param delivery where it came from and how often it was delivered
	 */
	void handle(byte[] payload, Delivery delivery) throws Exception;

}
