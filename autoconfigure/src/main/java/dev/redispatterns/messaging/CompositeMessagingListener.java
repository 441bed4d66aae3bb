package dev.redispatterns.messaging;

import java.util.List;

/**
 * Forwards every event to several observers.
 */
final class CompositeMessagingListener implements MessagingListener {

	private final List<MessagingListener> observers;

	CompositeMessagingListener(List<MessagingListener> observers) {
		this.observers = observers;
	}

	@Override
	public void onPubSubPublished(String channel) {
		this.observers.forEach((observer) -> observer.onPubSubPublished(channel));
	}

	@Override
	public void onPubSubReceived(String channel) {
		this.observers.forEach((observer) -> observer.onPubSubReceived(channel));
	}

	@Override
	public void onPubSubHandled(String channel, long nanos, boolean success) {
		this.observers.forEach((observer) -> observer.onPubSubHandled(channel, nanos, success));
	}

	@Override
	public void onPubSubDropped(String channel) {
		this.observers.forEach((observer) -> observer.onPubSubDropped(channel));
	}

	@Override
	public void onStreamPublished(String stream) {
		this.observers.forEach((observer) -> observer.onStreamPublished(stream));
	}

	@Override
	public void onStreamPublishRefused(String stream) {
		this.observers.forEach((observer) -> observer.onStreamPublishRefused(stream));
	}

	@Override
	public void onStreamTrimBlocked(String stream) {
		this.observers.forEach((observer) -> observer.onStreamTrimBlocked(stream));
	}

	@Override
	public void onStreamReceived(String stream, String group) {
		this.observers.forEach((observer) -> observer.onStreamReceived(stream, group));
	}

	@Override
	public void onStreamHandled(String stream, String group, long nanos, boolean success) {
		this.observers.forEach((observer) -> observer.onStreamHandled(stream, group, nanos, success));
	}

	@Override
	public void onStreamReclaimed(String stream, String group, int count) {
		this.observers.forEach((observer) -> observer.onStreamReclaimed(stream, group, count));
	}

	@Override
	public void onStreamDeleted(String stream, String group, int count) {
		this.observers.forEach((observer) -> observer.onStreamDeleted(stream, group, count));
	}

	@Override
	public void onStreamDeadLettered(String stream, String group) {
		this.observers.forEach((observer) -> observer.onStreamDeadLettered(stream, group));
	}

	@Override
	public void onStreamGroupState(String stream, String group, long pending, long lag) {
		this.observers.forEach((observer) -> observer.onStreamGroupState(stream, group, pending, lag));
	}

	@Override
	public void onQueuePublished(String queue) {
		this.observers.forEach((observer) -> observer.onQueuePublished(queue));
	}

	@Override
	public void onQueueReceived(String queue) {
		this.observers.forEach((observer) -> observer.onQueueReceived(queue));
	}

	@Override
	public void onQueueHandled(String queue, long nanos, boolean success) {
		this.observers.forEach((observer) -> observer.onQueueHandled(queue, nanos, success));
	}

	@Override
	public void onQueueRetried(String queue) {
		this.observers.forEach((observer) -> observer.onQueueRetried(queue));
	}

	@Override
	public void onQueueRecovered(String queue, int count) {
		this.observers.forEach((observer) -> observer.onQueueRecovered(queue, count));
	}

	@Override
	public void onQueueDeadLettered(String queue) {
		this.observers.forEach((observer) -> observer.onQueueDeadLettered(queue));
	}

	@Override
	public void onQueueDepth(String queue, long ready, long delayed) {
		this.observers.forEach((observer) -> observer.onQueueDepth(queue, ready, delayed));
	}

}
