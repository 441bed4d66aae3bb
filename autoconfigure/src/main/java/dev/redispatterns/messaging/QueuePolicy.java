package dev.redispatterns.messaging;

import java.time.Duration;

import dev.redispatterns.messaging.internal.MessagingKeys;

import static dev.redispatterns.messaging.StreamPolicy.isPositive;
import static dev.redispatterns.messaging.StreamPolicy.require;

/**
 * How one reliable queue is written and consumed, resolved once at start-up.
 * @param name the queue's logical name (keys are derived by {@link MessagingKeys})
 * @param maxLength most jobs the queue holds, ready and delayed together; adding more fails with
 * {@link QueueFullException}; 0 for no bound
 * @param concurrency handler threads per consumer (each takes one job at a time)
 * @param pollTimeout longest blocking wait of one {@code BLMOVE}
 * @param maxDeliveries attempts after which a failing job goes to the dead-letter stream
 * @param retryDelay wait before a failed job is attempted again
 * @param consumerTimeout a consumer without a heartbeat for this long is dead and its jobs are recovered
 * @param deadLetterMaxLength approximate upper bound on the dead-letter stream's length
 * @param shutdownTimeout longest wait for running handlers on shutdown
 */
public record QueuePolicy(String name, long maxLength, int concurrency, Duration pollTimeout, int maxDeliveries,
		Duration retryDelay, Duration consumerTimeout, long deadLetterMaxLength, Duration shutdownTimeout) {

	public QueuePolicy {
		require(maxLength >= 0, "maxLength must not be negative");
		require(concurrency > 0, "concurrency must be positive");
		require(isPositive(pollTimeout), "pollTimeout must be positive");
		require(maxDeliveries > 0, "maxDeliveries must be positive");
		require(retryDelay != null && !retryDelay.isNegative(), "retryDelay must not be negative");
		require(isPositive(consumerTimeout), "consumerTimeout must be positive");
		require(deadLetterMaxLength > 0, "deadLetterMaxLength must be positive");
		require(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
	}

	/** The starter's defaults for queue {@code name}. */
	public static QueuePolicy defaults(String name) {
		return new QueuePolicy(name, 1_000_000, 1, Duration.ofSeconds(1), 5, Duration.ofSeconds(5),
				Duration.ofSeconds(30), 10_000, Duration.ofSeconds(10));
	}

	public QueuePolicy withName(String name) {
		return new QueuePolicy(name, this.maxLength, this.concurrency, this.pollTimeout, this.maxDeliveries,
				this.retryDelay, this.consumerTimeout, this.deadLetterMaxLength, this.shutdownTimeout);
	}

	public QueuePolicy withMaxLength(long maxLength) {
		return new QueuePolicy(this.name, maxLength, this.concurrency, this.pollTimeout, this.maxDeliveries,
				this.retryDelay, this.consumerTimeout, this.deadLetterMaxLength, this.shutdownTimeout);
	}

	public QueuePolicy withConcurrency(int concurrency) {
		return new QueuePolicy(this.name, this.maxLength, concurrency, this.pollTimeout, this.maxDeliveries,
				this.retryDelay, this.consumerTimeout, this.deadLetterMaxLength, this.shutdownTimeout);
	}

	public QueuePolicy withPollTimeout(Duration pollTimeout) {
		return new QueuePolicy(this.name, this.maxLength, this.concurrency, pollTimeout, this.maxDeliveries,
				this.retryDelay, this.consumerTimeout, this.deadLetterMaxLength, this.shutdownTimeout);
	}

	public QueuePolicy withMaxDeliveries(int maxDeliveries) {
		return new QueuePolicy(this.name, this.maxLength, this.concurrency, this.pollTimeout, maxDeliveries,
				this.retryDelay, this.consumerTimeout, this.deadLetterMaxLength, this.shutdownTimeout);
	}

	public QueuePolicy withRetryDelay(Duration retryDelay) {
		return new QueuePolicy(this.name, this.maxLength, this.concurrency, this.pollTimeout, this.maxDeliveries,
				retryDelay, this.consumerTimeout, this.deadLetterMaxLength, this.shutdownTimeout);
	}

	public QueuePolicy withConsumerTimeout(Duration consumerTimeout) {
		return new QueuePolicy(this.name, this.maxLength, this.concurrency, this.pollTimeout, this.maxDeliveries,
				this.retryDelay, consumerTimeout, this.deadLetterMaxLength, this.shutdownTimeout);
	}

	public QueuePolicy withDeadLetterMaxLength(long deadLetterMaxLength) {
		return new QueuePolicy(this.name, this.maxLength, this.concurrency, this.pollTimeout, this.maxDeliveries,
				this.retryDelay, this.consumerTimeout, deadLetterMaxLength, this.shutdownTimeout);
	}

	public QueuePolicy withShutdownTimeout(Duration shutdownTimeout) {
		return new QueuePolicy(this.name, this.maxLength, this.concurrency, this.pollTimeout, this.maxDeliveries,
				this.retryDelay, this.consumerTimeout, this.deadLetterMaxLength, shutdownTimeout);
	}

}
