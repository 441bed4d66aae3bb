package dev.redispatterns.messaging;

import java.util.List;

/**
 * Receives what the messaging engines do, for metrics. Names are the configured channel, pattern, stream,
 * group and queue names, never payloads or ids. Methods are called on hot paths and must be cheap and
 * must not throw.
 */
public interface MessagingListener {

	/** Does nothing. */
	MessagingListener NONE = new MessagingListener() {
	};

	/** A message was published on a pub/sub channel. */
	default void onPubSubPublished(String channel) {
	}

	/** A pub/sub message reached a listener subscribed to {@code channel} (a channel or a pattern). */
	default void onPubSubReceived(String channel) {
	}

	/** A pub/sub listener returned ({@code success}) or threw. */
	default void onPubSubHandled(String channel, long nanos, boolean success) {
	}

	/** A pub/sub message was dropped: unreadable payload, or the dispatch buffer was full. */
	default void onPubSubDropped(String channel) {
	}

	/** An entry was added to a stream. */
	default void onStreamPublished(String stream) {
	}

	/** Back-pressure refused an entry: a group of the stream had {@code max-backlog} unacknowledged entries. */
	default void onStreamPublishRefused(String stream) {
	}

	/**
	 * A trim (run with some adds) left the stream beyond {@code max-length} or {@code max-age}: a group has not
	 * acknowledged its oldest entries, which are never trimmed.
	 */
	default void onStreamTrimBlocked(String stream) {
	}

	/** An entry was delivered to a handler of {@code group}. */
	default void onStreamReceived(String stream, String group) {
	}

	/** A stream handler returned ({@code success}, then the entry was acknowledged) or threw. */
	default void onStreamHandled(String stream, String group, long nanos, boolean success) {
	}

	/** Entries pending too long at a dead consumer were claimed by a live one. */
	default void onStreamReclaimed(String stream, String group, int count) {
	}

	/**
	 * Entries pending for {@code group} were found deleted from the stream (by another client: the starter does
	 * not trim them). Each is recorded in the dead-letter stream: without payload when a reclaim finds it, with
	 * its payload when it was deleted while its handler ran and the handler then failed.
	 */
	default void onStreamDeleted(String stream, String group, int count) {
	}

	/** An entry was moved to the dead-letter stream and acknowledged in its source. */
	default void onStreamDeadLettered(String stream, String group) {
	}

	/**
	 * A sample of the group's state: entries delivered but not acknowledged, and entries not yet
	 * delivered to the group ({@code -1} when Redis cannot tell).
	 */
	default void onStreamGroupState(String stream, String group, long pending, long lag) {
	}

	/** A job was added to a queue (ready or delayed). */
	default void onQueuePublished(String queue) {
	}

	/** A job was taken by a handler. */
	default void onQueueReceived(String queue) {
	}

	/** A queue handler returned ({@code success}, then the job was removed) or threw. */
	default void onQueueHandled(String queue, long nanos, boolean success) {
	}

	/** A failed job was scheduled for another attempt. */
	default void onQueueRetried(String queue) {
	}

	/**
	 * Jobs left in the processing list of a dead consumer, or a job whose delivery to a live consumer was lost
	 * with the connection, were put back to be processed again (counting an attempt).
	 */
	default void onQueueRecovered(String queue, int count) {
	}

	/** A job was moved to the queue's dead-letter stream. */
	default void onQueueDeadLettered(String queue) {
	}

	/** A sample of the queue's size: jobs ready to run and jobs waiting for their due time. */
	default void onQueueDepth(String queue, long ready, long delayed) {
	}

	/** One listener that forwards to all of {@code listeners}, or {@link #NONE} when there are none. */
	static MessagingListener composite(List<? extends MessagingListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		return new CompositeMessagingListener(List.copyOf(listeners));
	}

}
