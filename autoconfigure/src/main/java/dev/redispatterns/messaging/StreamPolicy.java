package dev.redispatterns.messaging;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.messaging.internal.MessagingKeys;

/**
 * How one stream is written and consumed, resolved once at start-up.
 * @param name the stream's logical name (the key is derived by {@link MessagingKeys})
 * @param maxLength approximate upper bound on the number of entries kept once every group acknowledged them; 0
 * for none
 * @param maxAge acknowledged entries older than this (by Redis time) are trimmed as entries are added; null
 * for no age bound
 * @param maxBacklog most unacknowledged entries (pending plus not yet delivered) any group may have before
 * {@link StreamPublisher#publish} refuses new entries; 0 for no back-pressure
 * @param concurrency handler threads per consumer
 * @param batchSize most entries read with one {@code XREADGROUP}
 * @param pollTimeout longest blocking wait of one read
 * @param reclaimAfter entries unacknowledged for this long at a consumer that stopped renewing them are
 * claimed by a live consumer
 * @param maxDeliveries deliveries after which a failing entry goes to the dead-letter stream
 * @param deadLetterMaxLength approximate upper bound on the dead-letter stream's length
 * @param start where a group created by the consumer starts reading
 * @param shutdownTimeout longest wait for running handlers on shutdown
 * @param staleConsumerTimeout consumers without pending entries idle this long are removed from the group
 */
public record StreamPolicy(String name, long maxLength, @Nullable Duration maxAge, long maxBacklog, int concurrency,
		int batchSize,
		Duration pollTimeout, Duration reclaimAfter, int maxDeliveries, long deadLetterMaxLength, Start start,
		Duration shutdownTimeout, Duration staleConsumerTimeout) {

	/** Where a newly created consumer group starts. */
	public enum Start {

		/** With the oldest entry still in the stream: nothing added before the group existed is missed. */
		EARLIEST,

		/** With entries added after the group was created. */
		LATEST

	}

	public StreamPolicy {
		require(maxLength >= 0, "maxLength must not be negative");
		require(maxAge == null || (!maxAge.isNegative() && !maxAge.isZero()), "maxAge must be positive");
		require(maxBacklog >= 0, "maxBacklog must not be negative");
		require(concurrency > 0, "concurrency must be positive");
		require(batchSize > 0, "batchSize must be positive");
		require(isPositive(pollTimeout), "pollTimeout must be positive");
		require(isPositive(reclaimAfter), "reclaimAfter must be positive");
		require(maxDeliveries > 0, "maxDeliveries must be positive");
		require(deadLetterMaxLength > 0, "deadLetterMaxLength must be positive");
		require(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
		require(isPositive(staleConsumerTimeout), "staleConsumerTimeout must be positive");
	}

	/** The starter's defaults for stream {@code name}. */
	public static StreamPolicy defaults(String name) {
		return new StreamPolicy(name, 100_000, null, 0, 1, 10, Duration.ofSeconds(1), Duration.ofSeconds(30), 5, 10_000,
				Start.EARLIEST, Duration.ofSeconds(10), Duration.ofHours(1));
	}

	/** How many entries one consumer holds in memory at most: a full batch waiting plus one per handler. */
	public int capacity() {
		return this.batchSize + this.concurrency;
	}

	public StreamPolicy withName(String name) {
		return new StreamPolicy(name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency, this.batchSize,
				this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength, this.start,
				this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withMaxLength(long maxLength) {
		return new StreamPolicy(this.name, maxLength, this.maxAge, this.maxBacklog, this.concurrency, this.batchSize,
				this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength, this.start,
				this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withMaxAge(@Nullable Duration maxAge) {
		return new StreamPolicy(this.name, this.maxLength, maxAge, this.maxBacklog, this.concurrency, this.batchSize,
				this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength, this.start,
				this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withMaxBacklog(long maxBacklog) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, maxBacklog, this.concurrency, this.batchSize,
				this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength, this.start,
				this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withConcurrency(int concurrency) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, concurrency, this.batchSize,
				this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength, this.start,
				this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withBatchSize(int batchSize) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency, batchSize,
				this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength, this.start,
				this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withPollTimeout(Duration pollTimeout) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency,
				this.batchSize, pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength,
				this.start, this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withReclaimAfter(Duration reclaimAfter) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency,
				this.batchSize, this.pollTimeout, reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength,
				this.start, this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withMaxDeliveries(int maxDeliveries) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency,
				this.batchSize, this.pollTimeout, this.reclaimAfter, maxDeliveries, this.deadLetterMaxLength,
				this.start, this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withDeadLetterMaxLength(long deadLetterMaxLength) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency,
				this.batchSize, this.pollTimeout, this.reclaimAfter, this.maxDeliveries, deadLetterMaxLength,
				this.start, this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withStart(Start start) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency,
				this.batchSize, this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength,
				start, this.shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withShutdownTimeout(Duration shutdownTimeout) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency,
				this.batchSize, this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength,
				this.start, shutdownTimeout, this.staleConsumerTimeout);
	}

	public StreamPolicy withStaleConsumerTimeout(Duration staleConsumerTimeout) {
		return new StreamPolicy(this.name, this.maxLength, this.maxAge, this.maxBacklog, this.concurrency,
				this.batchSize, this.pollTimeout, this.reclaimAfter, this.maxDeliveries, this.deadLetterMaxLength,
				this.start, this.shutdownTimeout, staleConsumerTimeout);
	}

	static boolean isPositive(@Nullable Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

	static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}
