package dev.redispatterns.messaging;

import dev.redispatterns.core.RedisPatternsException;

/**
 * A job was refused because its queue already holds the configured maximum of jobs
 * ({@code redis.patterns.messaging.queue.max-length}): the producer is faster than the consumers, and
 * growing the queue without bound would eventually exhaust Redis memory.
 */
public class QueueFullException extends RedisPatternsException {

	private final String queue;

	private final long maxLength;

	public QueueFullException(String queue, long maxLength) {
		super("Queue '" + queue + "' is full (" + maxLength + " jobs)");
		this.queue = queue;
		this.maxLength = maxLength;
	}

	public String queue() {
		return this.queue;
	}

	public long maxLength() {
		return this.maxLength;
	}

}
