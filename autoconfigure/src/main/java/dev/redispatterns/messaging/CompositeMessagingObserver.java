package dev.redispatterns.messaging;

import java.util.List;

/**
 * Forwards every event to several observers.
 */
final class CompositeMessagingObserver implements MessagingObserver {

	private final List<MessagingObserver> observers;

	CompositeMessagingObserver(List<MessagingObserver> observers) {
		this.observers = observers;
	}

	@Override
	public void pubSubPublished(String channel) {
		this.observers.forEach((observer) -> observer.pubSubPublished(channel));
	}

	@Override
	public void pubSubReceived(String channel) {
		this.observers.forEach((observer) -> observer.pubSubReceived(channel));
	}

	@Override
	public void pubSubHandled(String channel, long nanos, boolean success) {
		this.observers.forEach((observer) -> observer.pubSubHandled(channel, nanos, success));
	}

	@Override
	public void pubSubDropped(String channel) {
		this.observers.forEach((observer) -> observer.pubSubDropped(channel));
	}

	@Override
	public void streamPublished(String stream) {
		this.observers.forEach((observer) -> observer.streamPublished(stream));
	}

	@Override
	public void streamPublishRefused(String stream) {
		this.observers.forEach((observer) -> observer.streamPublishRefused(stream));
	}

	@Override
	public void streamTrimBlocked(String stream) {
		this.observers.forEach((observer) -> observer.streamTrimBlocked(stream));
	}

	@Override
	public void streamReceived(String stream, String group) {
		this.observers.forEach((observer) -> observer.streamReceived(stream, group));
	}

	@Override
	public void streamHandled(String stream, String group, long nanos, boolean success) {
		this.observers.forEach((observer) -> observer.streamHandled(stream, group, nanos, success));
	}

	@Override
	public void streamReclaimed(String stream, String group, int count) {
		this.observers.forEach((observer) -> observer.streamReclaimed(stream, group, count));
	}

	@Override
	public void streamDeleted(String stream, String group, int count) {
		this.observers.forEach((observer) -> observer.streamDeleted(stream, group, count));
	}

	@Override
	public void streamDeadLettered(String stream, String group) {
		this.observers.forEach((observer) -> observer.streamDeadLettered(stream, group));
	}

	@Override
	public void streamGroupState(String stream, String group, long pending, long lag) {
		this.observers.forEach((observer) -> observer.streamGroupState(stream, group, pending, lag));
	}

	@Override
	public void queuePublished(String queue) {
		this.observers.forEach((observer) -> observer.queuePublished(queue));
	}

	@Override
	public void queueReceived(String queue) {
		this.observers.forEach((observer) -> observer.queueReceived(queue));
	}

	@Override
	public void queueHandled(String queue, long nanos, boolean success) {
		this.observers.forEach((observer) -> observer.queueHandled(queue, nanos, success));
	}

	@Override
	public void queueRetried(String queue) {
		this.observers.forEach((observer) -> observer.queueRetried(queue));
	}

	@Override
	public void queueRecovered(String queue, int count) {
		this.observers.forEach((observer) -> observer.queueRecovered(queue, count));
	}

	@Override
	public void queueDeadLettered(String queue) {
		this.observers.forEach((observer) -> observer.queueDeadLettered(queue));
	}

	@Override
	public void queueDepth(String queue, long ready, long delayed) {
		this.observers.forEach((observer) -> observer.queueDepth(queue, ready, delayed));
	}

}
