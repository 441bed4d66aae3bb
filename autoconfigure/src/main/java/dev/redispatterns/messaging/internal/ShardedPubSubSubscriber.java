package dev.redispatterns.messaging.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.messaging.MessagingListener;

/**
 * Sharded pub/sub subscriptions ({@code SSUBSCRIBE}) on Redis Cluster, which Spring Data Redis's
 * {@code RedisMessageListenerContainer} cannot make. One dedicated cluster pub/sub connection (never the
 * command connection); Lettuce routes each {@code SSUBSCRIBE} to the node owning the channel's slot and,
 * after a reconnect, subscribes that node connection again by itself. When a slot moves to another node,
 * Redis ends the subscription with an {@code SUNSUBSCRIBE}; the subscriber then subscribes again, which
 * reaches the new owner.
 * <p>
 * Messages arrive on Lettuce's I/O thread and are handed to a small pool of dispatch threads with a bounded
 * queue; when the queue is full a message is dropped (and counted) rather than stalling the I/O thread that
 * other connections share. Pub/sub is at-most-once in any case.
 */
public final class ShardedPubSubSubscriber implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ShardedPubSubSubscriber.class);

	private static final int QUEUE_CAPACITY = 10_000;

	private static final long RESUBSCRIBE_DELAY_MILLIS = 200;

	private final RedisConnector connector;

	private final MessagingListener observer;

	private final Map<String, CopyOnWriteArrayList<Consumer<byte[]>>> listeners = new ConcurrentHashMap<>();

	private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

	private final ThreadPoolExecutor dispatcher;

	private final ScheduledExecutorService retries;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile @Nullable StatefulRedisClusterPubSubConnection<byte[], byte[]> connection;

	private volatile boolean closed;

	/**
	 * @throws RedisPatternsConfigurationException in portable mode: Spring Data Redis cannot make sharded
	 * subscriptions
	 */
	public ShardedPubSubSubscriber(RedisConnector connector, MessagingListener observer) {
		if (!connector.isNative()) {
			throw needsLettuce(connector, "Sharded pub/sub subscriptions");
		}
		this.connector = connector;
		this.observer = observer;
		int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
		this.dispatcher = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(QUEUE_CAPACITY), connector.threads().factory("pubsub-sharded"));
		this.retries = connector.threads().scheduler("pubsub-sharded-subscriber");
	}

	/**
	 * Subscribes {@code listener} to the shard channel {@code channel}. Returns once Redis confirmed the
	 * subscription; when Redis cannot be reached now the subscription is retried in the background.
	 * @return a handle that removes the listener again
	 */
	public AutoCloseable subscribe(String channel, Consumer<byte[]> listener) {
		this.listeners.computeIfAbsent(channel, (name) -> new CopyOnWriteArrayList<>()).add(listener);
		try {
			ensureSubscribed(channel);
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot subscribe to shard channel '" + channel + "' now, retrying: " + ex.getMessage());
			scheduleResubscribe(channel);
		}
		return () -> unsubscribe(channel, listener);
	}

	/** Whether Redis confirmed the subscription to {@code channel} (for tests and diagnostics). */
	public boolean isSubscribed(String channel) {
		return this.subscribed.contains(channel);
	}

	private void ensureSubscribed(String channel) {
		this.lock.lock();
		try {
			if (this.closed || this.subscribed.contains(channel) || !this.listeners.containsKey(channel)) {
				return;
			}
			this.connector.await(connection().async().ssubscribe(bytes(channel)));
			this.subscribed.add(channel);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void unsubscribe(String channel, Consumer<byte[]> listener) {
		this.lock.lock();
		try {
			List<Consumer<byte[]>> registered = this.listeners.get(channel);
			if (registered == null || !registered.remove(listener) || !registered.isEmpty()) {
				return;
			}
			this.listeners.remove(channel);
			this.subscribed.remove(channel);
			StatefulRedisClusterPubSubConnection<byte[], byte[]> current = this.connection;
			if (current != null && current.isOpen()) {
				current.async().sunsubscribe(bytes(channel));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private StatefulRedisClusterPubSubConnection<byte[], byte[]> connection() {
		StatefulRedisClusterPubSubConnection<byte[], byte[]> current = this.connection;
		if (current != null) {
			return current;
		}
		AbstractRedisClient client = this.connector.lettuce().getNativeClient();
		if (!(client instanceof RedisClusterClient cluster)) {
			throw new IllegalStateException("Sharded pub/sub needs Redis Cluster, but the client is " + client);
		}
		StatefulRedisClusterPubSubConnection<byte[], byte[]> created;
		try {
			created = cluster.connectPubSub(ByteArrayCodec.INSTANCE);
		}
		catch (RuntimeException ex) {
			throw RedisConnector.translate(ex);
		}
		created.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void smessage(byte[] channel, byte[] message) {
				dispatch(new String(channel, StandardCharsets.UTF_8), message);
			}

			@Override
			public void sunsubscribed(byte[] channel, long count) {
				onUnsubscribed(new String(channel, StandardCharsets.UTF_8));
			}

		});
		this.connection = created;
		return created;
	}

	private void dispatch(String channel, byte[] message) {
		List<Consumer<byte[]>> registered = this.listeners.get(channel);
		if (registered == null) {
			return;
		}
		for (Consumer<byte[]> listener : registered) {
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
	}

	/** Redis ended a subscription (slot migrated, failover): subscribe again unless we left on purpose. */
	private void onUnsubscribed(String channel) {
		if (this.closed || !this.listeners.containsKey(channel)) {
			return;
		}
		this.subscribed.remove(channel);
		scheduleResubscribe(channel);
	}

	private void scheduleResubscribe(String channel) {
		if (this.closed) {
			return;
		}
		try {
			this.retries.schedule(() -> {
				try {
					ensureSubscribed(channel);
				}
				catch (RuntimeException ex) {
					logger.debug("Subscribing to shard channel '" + channel + "' failed, retrying", ex);
					scheduleResubscribe(channel);
				}
			}, RESUBSCRIBE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closed meanwhile
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.retries.shutdownNow();
		this.lock.lock();
		try {
			StatefulRedisClusterPubSubConnection<byte[], byte[]> current = this.connection;
			this.connection = null;
			this.listeners.clear();
			this.subscribed.clear();
			if (current != null) {
				current.closeAsync();
			}
		}
		finally {
			this.lock.unlock();
		}
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

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
