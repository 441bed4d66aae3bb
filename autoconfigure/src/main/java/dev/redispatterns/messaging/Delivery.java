package dev.redispatterns.messaging;

import org.jspecify.annotations.Nullable;

/**
 * Where a stream entry or a queue job came from and how often it has been delivered. Declare a parameter
 * of this type on a {@link StreamGroupListener} or {@link QueueListener} method to receive it, for example
 * to build an idempotency key from {@link #id()} with {@link IdempotencyGuard}.
 * @param source the stream or queue name
 * @param group the consumer group ({@code null} for queues)
 * @param id the stream entry id or the job id, unique within its source
 * @param attempt 1 on the first delivery, then counts redeliveries (after a failure, or after the entry
 * was reclaimed from a consumer that died)
 */
public record Delivery(String source, @Nullable String group, String id, long attempt) {

	/** Whether this message was delivered before, so its work may already have been done once. */
	public boolean isRedelivery() {
		return this.attempt > 1;
	}

}
