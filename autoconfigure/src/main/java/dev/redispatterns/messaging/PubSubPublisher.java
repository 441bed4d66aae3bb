package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCodec;

/**
 * Publishes pub/sub messages as plain JSON ({@code byte[]} payloads as they are). On Redis Cluster with
 * sharded pub/sub (the default) it uses {@code SPUBLISH}: the message goes only to the node that owns the
 * channel's slot instead of being broadcast over the cluster bus to every node.
 * <p>
 * Pub/sub is fire-and-forget: a message published while nobody listens, or while a listener is
 * reconnecting, is lost. Use streams or queues for messages that must arrive.
 */
public final class PubSubPublisher {

	private final RedisConnector connector;

	private final ValueCodec codec;

	private final boolean sharded;

	private final MessagingListener listener;

	/**
	 * @param sharded whether to use sharded pub/sub on Redis Cluster (ignored elsewhere); listeners must
	 * agree, so it comes from one setting
	 */
	public PubSubPublisher(RedisConnector connector, ValueCodec codec, boolean sharded, MessagingListener listener) {
		this.connector = connector;
		this.codec = codec;
		this.sharded = sharded && connector.isCluster();
		this.listener = listener;
	}

	/** Whether messages are published with {@code SPUBLISH}. */
	public boolean isSharded() {
		return this.sharded;
	}

	/**
	 * Publishes {@code payload} on {@code channel} and waits for Redis to take it.
	 * @return how many subscribers received it (classic pub/sub on a cluster counts only the subscribers
	 * of the node that took the message)
	 * @throws dev.redispatterns.core.RedisUnavailableException if Redis cannot be reached in time
	 */
	public long publish(String channel, @Nullable Object payload) {
		Long receivers = this.connector.await(publishAsync(channel, payload));
		return (receivers != null) ? receivers : 0;
	}

	/** Publishes without waiting; the future completes with the number of receivers. */
	public CompletableFuture<Long> publishAsync(String channel, @Nullable Object payload) {
		byte[] message = (payload instanceof byte[] bytes) ? this.codec.checkSize(bytes) : this.codec.write(payload);
		byte[] name = channel.getBytes(StandardCharsets.UTF_8);
		CompletableFuture<Long> sent = this.sharded ? this.connector.commands().spublish(name, message)
				: this.connector.commands().publish(name, message);
		return sent.whenComplete((receivers, failure) -> {
			if (failure == null) {
				this.listener.onPubSubPublished(channel);
			}
		}).exceptionallyCompose((failure) -> CompletableFuture.failedFuture(RedisConnector
			.translate((failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
					: failure)));
	}

}
