package dev.redispatterns.messaging;

import java.util.List;

/**
 * Forwards every event to several listeners.
 */
final class CompositeMessagingListener implements MessagingListener {

	private final List<MessagingListener> listeners;

	CompositeMessagingListener(List<MessagingListener> listeners) {
		this.listeners = listeners;
	}

	@Override
	public void onPubSubPublished(String channel) {
		this.listeners.forEach((listener) -> listener.onPubSubPublished(channel));
	}

	@Override
	public void onPubSubReceived(String channel) {
		this.listeners.forEach((listener) -> listener.onPubSubReceived(channel));
	}

	@Override
	public void onPubSubHandled(String channel, long nanos, boolean success) {
		this.listeners.forEach((listener) -> listener.onPubSubHandled(channel, nanos, success));
	}

	@Override
	public void onPubSubDropped(String channel) {
		this.listeners.forEach((listener) -> listener.onPubSubDropped(channel));
	}

	@Override
	public void onStreamPublished(String stream) {
		this.listeners.forEach((listener) -> listener.onStreamPublished(stream));
	}

	@Override
	public void onStreamPublishRefused(String stream) {
		this.listeners.forEach((listener) -> listener.onStreamPublishRefused(stream));
	}

	@Override
	public void onStreamTrimBlocked(String stream) {
		this.listeners.forEach((listener) -> listener.onStreamTrimBlocked(stream));
	}

	@Override
	public void onStreamReceived(String stream, String group) {
		this.listeners.forEach((listener) -> listener.onStreamReceived(stream, group));
	}

	@Override
	public void onStreamHandled(String stream, String group, long nanos, boolean success) {
		this.listeners.forEach((listener) -> listener.onStreamHandled(stream, group, nanos, success));
	}

	@Override
	public void onStreamReclaimed(String stream, String group, int count) {
		this.listeners.forEach((listener) -> listener.onStreamReclaimed(stream, group, count));
	}

	@Override
	public void onStreamDeleted(String stream, String group, int count) {
		this.listeners.forEach((listener) -> listener.onStreamDeleted(stream, group, count));
	}

	@Override
	public void onStreamDeadLettered(String stream, String group) {
		this.listeners.forEach((listener) -> listener.onStreamDeadLettered(stream, group));
	}

	@Override
	public void onStreamGroupState(String stream, String group, long pending, long lag) {
		this.listeners.forEach((listener) -> listener.onStreamGroupState(stream, group, pending, lag));
	}

	@Override
	public void onQueuePublished(String queue) {
		this.listeners.forEach((listener) -> listener.onQueuePublished(queue));
	}

	@Override
	public void onQueueReceived(String queue) {
		this.listeners.forEach((listener) -> listener.onQueueReceived(queue));
	}

	@Override
	public void onQueueHandled(String queue, long nanos, boolean success) {
		this.listeners.forEach((listener) -> listener.onQueueHandled(queue, nanos, success));
	}

	@Override
	public void onQueueRetried(String queue) {
		this.listeners.forEach((listener) -> listener.onQueueRetried(queue));
	}

	@Override
	public void onQueueRecovered(String queue, int count) {
		this.listeners.forEach((listener) -> listener.onQueueRecovered(queue, count));
	}

	@Override
	public void onQueueDeadLettered(String queue) {
		this.listeners.forEach((listener) -> listener.onQueueDeadLettered(queue));
	}

	@Override
	public void onQueueDepth(String queue, long ready, long delayed) {
		this.listeners.forEach((listener) -> listener.onQueueDepth(queue, ready, delayed));
	}

}
