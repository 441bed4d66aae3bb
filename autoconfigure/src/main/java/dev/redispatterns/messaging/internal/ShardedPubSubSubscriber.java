package dev.redispatterns.messaging.internal;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.messaging.MessagingListener;

/**
 * Sharded pub/sub subscriptions ({@code SSUBSCRIBE}) on Redis Cluster, which Spring Data Redis's
 * {@code RedisMessageListenerContainer} cannot make. They go through {@link RedisSignals}, the starter's one
 * pub/sub connection: Lettuce routes each {@code SSUBSCRIBE} to the node owning the channel's slot and, after
 * a reconnect, subscribes that node connection again by itself; when Redis ends a subscription because the
 * slot moved, the signals subscribe again, which reaches the new owner. The connection is closed with the
 * signals, before the connection factory stops.
 * <p>
 * Messages arrive on Lettuce's I/O thread and are handed to a small pool of dispatch threads with a bounded
 * queue; when the queue is full a message is dropped (and counted) rather than stalling the I/O thread that
 * other connections share. Pub/sub is at-most-once in any case.
 */
public final class ShardedPubSubSubscriber implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ShardedPubSubSubscriber.class);

	private static final int QUEUE_CAPACITY = 10_000;

	private final RedisSignals signals;

	private final MessagingListener observer;

	private final List<RedisSignals.Subscription> subscriptions = new CopyOnWriteArrayList<>();

	private final ThreadPoolExecutor dispatcher;

	private volatile boolean closed;

	/**
	 * @throws RedisPatternsConfigurationException in portable mode: Spring Data Redis cannot make sharded
	 * subscriptions
	 */
	public ShardedPubSubSubscriber(RedisConnector connector, RedisSignals signals, MessagingListener observer) {
		if (!connector.isNative()) {
			throw needsLettuce(connector, "Sharded pub/sub subscriptions");
		}
		this.signals = signals;
		this.observer = observer;
		int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
		this.dispatcher = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(QUEUE_CAPACITY), connector.threads().factory("pubsub-sharded"));
	}

	/**
	 * Subscribes {@code listener} to the shard channel {@code channel}. Returns once Redis confirmed the
	 * subscription; when Redis cannot be reached now the subscription is retried in the background.
	 * @return a handle that removes the listener again
	 */
	public AutoCloseable subscribe(String channel, Consumer<byte[]> listener) {
		RedisSignals.Subscription subscription = this.signals.subscribeSharded(channel,
				(message) -> dispatch(channel, listener, message));
		this.subscriptions.add(subscription);
		return () -> {
			this.subscriptions.remove(subscription);
			subscription.close();
		};
	}

	/** Whether Redis confirmed the subscription to {@code channel} (for tests and diagnostics). */
	public boolean isSubscribed(String channel) {
		return this.signals.isSubscribedSharded(channel);
	}

	private void dispatch(String channel, Consumer<byte[]> listener, byte[] message) {
		try {
			this.dispatcher.execute(() -> listener.accept(message));
		}
		catch (RejectedExecutionException ex) {
			this.observer.onPubSubDropped(channel);
			if (!this.closed) {
				logger.warn("Dropped a message on shard channel '" + channel
						+ "': its listeners are slower than the messages arrive");
			}
		}
	}

	/** Removes every listener (the signals unsubscribe idle channels) and ends the dispatch threads. */
	@Override
	public void close() {
		this.closed = true;
		for (RedisSignals.Subscription subscription : this.subscriptions) {
			subscription.close();
		}
		this.subscriptions.clear();
		this.dispatcher.shutdown();
		try {
			this.dispatcher.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Why sharded subscriptions cannot be made in portable mode, naming the property that asks for them. */
	static RedisPatternsConfigurationException needsLettuce(RedisConnector connector, String what) {
		return new RedisPatternsConfigurationException(what
				+ " on Redis Cluster ('redis.patterns.messaging.pub-sub.sharded', on by default there) need Lettuce, "
				+ "but Redis Patterns runs in portable mode on " + connector.connectionFactory().getClass().getName()
				+ ", whose Spring Data Redis cannot subscribe to shard channels",
				"Set 'redis.patterns.messaging.pub-sub.sharded' to false to use cluster-wide pub/sub (publishers "
						+ "and listeners of a channel must agree), or use Lettuce "
						+ "(spring.data.redis.client-type=lettuce) and leave redis.patterns.client at auto.");
	}

}
