package dev.redispatterns.messaging;

import dev.redispatterns.core.RedisPatternsException;

/**
 * An entry was refused because a consumer group of its stream already has the configured maximum of
 * unacknowledged entries ({@code redis.patterns.messaging.stream.max-backlog}): the group is down or slower
 * than the producers, and since the starter never trims what a group has not acknowledged, accepting more
 * would grow the stream without bound. Nothing was added.
 */
public class StreamBacklogFullException extends RedisPatternsException {

	private final String stream;

	private final String group;

	private final long backlog;

	private final long maxBacklog;

	public StreamBacklogFullException(String stream, String group, long backlog, long maxBacklog) {
		super("Stream '" + stream + "' refused an entry: group '" + group + "' has " + backlog
				+ " unacknowledged entries (max-backlog " + maxBacklog + ")");
		this.stream = stream;
		this.group = group;
		this.backlog = backlog;
		this.maxBacklog = maxBacklog;
	}

	public String stream() {
		return this.stream;
	}

	/** The group whose backlog is full (one of them, when several are). */
	public String group() {
		return this.group;
	}

	/** Entries the group had not acknowledged: pending plus not yet delivered. */
	public long backlog() {
		return this.backlog;
	}

	public long maxBacklog() {
		return this.maxBacklog;
	}

}
