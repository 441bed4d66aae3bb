package dev.redispatterns.messaging;

import dev.redispatterns.core.RedisPatternsException;

/**
 * The work for an idempotency key is running elsewhere right now (see {@link IdempotencyGuard}). Thrown
 * from a stream or queue handler it leaves the message to be delivered again later, when the other run has
 * either finished (the redelivery is then skipped) or failed (the redelivery does the work).
 */
public class DuplicateMessageException extends RedisPatternsException {

	private final String key;

	public DuplicateMessageException(String key) {
		super("Work for idempotency key '" + key + "' is running elsewhere");
		this.key = key;
	}

	public String key() {
		return this.key;
	}

}
