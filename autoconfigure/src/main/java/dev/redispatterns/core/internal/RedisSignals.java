package dev.redispatterns.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;

import dev.redispatterns.core.internal.SignalConnection.Kind;

/**
 * The starter's one pub/sub subscriber: a dedicated pub/sub connection (never the command connection)
 * shared by every feature that waits for something to happen in Redis — a cache value landing, a lock
 * being released, a near-cache entry being invalidated, a rate-limit override changing — and by the
 * subscriptions that only Lettuce can make on Redis Cluster: sharded {@code @PubSubListener} channels and the
 * per-master keyspace notifications of session events.
 * <p>
 * Listeners are called on the client's thread (Lettuce's I/O thread, or the listener container's in
 * portable mode) and must not block: complete a future, unpark a thread, hand the message to an executor.
 * Pub/sub delivers at most once and loses messages while disconnected, so every waiter keeps a bounded poll
 * as its fallback. Lettuce and the listener container re-subscribe by themselves after a reconnect. A
 * channel whose last listener left stays subscribed for a short linger time, so hot channels do not pay a
 * SUBSCRIBE round trip again and again.
 * <p>
 * On Redis Cluster (native mode) the connection is Lettuce's cluster pub/sub connection: plain channels and
 * patterns are subscribed on its default node (a cluster forwards {@code PUBLISH} to every node), sharded
 * channels ({@code SSUBSCRIBE}) on the node owning the channel's slot, subscribed again when Redis ends
 * one because the slot moved, and node channels on the node named, for messages that stay on one node.
 */
public final class RedisSignals implements DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisSignals.class);

	private static final long RESUBSCRIBE_DELAY_MILLIS = 200;

	private final RedisConnector connector;

	private final Duration linger;

	private final Map<Kind, Map<String, Channel>> channels = new EnumMap<>(Kind.class);

	private final Map<String, CopyOnWriteArrayList<BiConsumer<byte[], byte[]>>> nodeListeners = new ConcurrentHashMap<>();

	private final CopyOnWriteArrayList<Runnable> resubscribedListeners = new CopyOnWriteArrayList<>();

	private final ReentrantLock connectionLock = new ReentrantLock();

	private final ScheduledExecutorService janitor;

	private final SignalConnection.Factory connections;

	private volatile @Nullable SignalConnection pubSub;

	private volatile boolean closed;

	public RedisSignals(RedisConnector connector, Duration linger) {
		this(connector, linger, (events) -> connector.isNative() ? new LettuceSignalConnection(connector, events)
				: new PortableSignalConnection(connector, events));
	}

	RedisSignals(RedisConnector connector, Duration linger, SignalConnection.Factory connections) {
		this.connector = connector;
		this.linger = linger;
		this.connections = connections;
		this.janitor = connector.threads().scheduler("signals");
		for (Kind kind : Kind.values()) {
			this.channels.put(kind, new ConcurrentHashMap<>());
		}
	}

	/**
	 * Subscribes {@code listener} to {@code channel}. Returns once Redis has confirmed the subscription,
	 * so a caller can subscribe first and then check the state it waits for without missing a signal.
	 * @throws RedisUnavailableException if Redis cannot be reached; callers fall back to polling
	 */
	public Subscription subscribe(String channel, Consumer<byte[]> listener) {
		return add(Kind.CHANNEL, channel, (name, message) -> listener.accept(message));
	}

	/**
	 * Subscribes {@code listener} to the shard channel {@code channel} ({@code SSUBSCRIBE}; Redis Cluster in
	 * native mode). Returns once Redis confirmed the subscription; when Redis cannot be reached now, the
	 * listener stays registered and subscribing is retried in the background until it succeeds.
	 * @throws IllegalStateException in portable mode, whose Spring Data Redis cannot subscribe to shard channels
	 */
	public Subscription subscribeSharded(String channel, Consumer<byte[]> listener) {
		requireNative("Sharded subscriptions");
		return add(Kind.SHARD, channel, (name, message) -> listener.accept(message));
	}

	/**
	 * Subscribes {@code listener} to the glob-style {@code pattern} ({@code PSUBSCRIBE}, native mode); it gets
	 * the channel and the message. Returns once Redis confirmed the subscription.
	 * @throws RedisUnavailableException if Redis cannot be reached
	 */
	public Subscription subscribePattern(String pattern, BiConsumer<byte[], byte[]> listener) {
		requireNative("Pattern subscriptions");
		return add(Kind.PATTERN, pattern, listener);
	}

	/**
	 * Hands the messages of the node channels {@code channels} to {@code listener} (channel, message), whichever
	 * node they come from; {@link #subscribeOnNode} picks the nodes. For messages that stay on the node they
	 * happen on, such as keyspace notifications on Redis Cluster (native mode).
	 */
	public Subscription onNodeMessages(List<String> channels, BiConsumer<byte[], byte[]> listener) {
		requireNative("Node subscriptions");
		for (String channel : channels) {
			this.nodeListeners.computeIfAbsent(channel, (name) -> new CopyOnWriteArrayList<>()).add(listener);
		}
		return () -> {
			for (String channel : channels) {
				List<BiConsumer<byte[], byte[]>> listeners = this.nodeListeners.get(channel);
				if (listeners != null) {
					listeners.remove(listener);
				}
			}
		};
	}

	/**
	 * Subscribes the node channels {@code channels} on the cluster node {@code nodeId}; completes once that
	 * node confirmed. Lettuce subscribes the node connection again after a reconnect.
	 */
	public CompletableFuture<Void> subscribeOnNode(String nodeId, List<String> channels) {
		return pubSub().subscribeOnNode(nodeId, bytes(channels));
	}

	/** Leaves the node channels {@code channels} on the cluster node {@code nodeId}, without waiting. */
	public void unsubscribeOnNode(String nodeId, List<String> channels) {
		SignalConnection connection = this.pubSub;
		if (connection != null) {
			connection.unsubscribeOnNode(nodeId, bytes(channels));
		}
	}

	private void requireNative(String what) {
		if (!this.connector.isNative()) {
			throw new IllegalStateException(what + " need Lettuce");
		}
	}

	private Subscription add(Kind kind, String name, BiConsumer<byte[], byte[]> listener) {
		Map<String, Channel> map = this.channels.get(kind);
		while (true) {
			Channel entry = map.computeIfAbsent(name, (key) -> new Channel(kind, key));
			if (entry.add(listener)) {
				return () -> release(entry, listener);
			}
		}
	}

	/**
	 * Runs {@code listener} when, in portable mode, the listener container subscribed a channel again after
	 * its connection broke: messages published meanwhile were lost. (Natively, Lettuce's connection events
	 * tell the same.) Called on the container's thread; must not block.
	 */
	public Subscription onResubscribed(Runnable listener) {
		this.resubscribedListeners.add(listener);
		return () -> this.resubscribedListeners.remove(listener);
	}

	void resubscribed() {
		for (Runnable listener : this.resubscribedListeners) {
			try {
				listener.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Resubscription listener failed", ex);
			}
		}
	}

	/** Publishes {@code message} on {@code channel} over the command connection. */
	public CompletableFuture<Long> publish(String channel, byte[] message) {
		return this.connector.commands().publish(channel.getBytes(StandardCharsets.UTF_8), message);
	}

	/** Whether the pub/sub connection is being opened right now (for tests). */
	boolean isConnecting() {
		return this.connectionLock.isLocked();
	}

	/** Whether {@code channel} is subscribed right now (for tests and diagnostics). */
	public boolean isSubscribed(String channel) {
		return isSubscribed(Kind.CHANNEL, channel);
	}

	/** Whether the shard channel {@code channel} is subscribed right now (for tests and diagnostics). */
	public boolean isSubscribedSharded(String channel) {
		return isSubscribed(Kind.SHARD, channel);
	}

	private boolean isSubscribed(Kind kind, String name) {
		Channel entry = this.channels.get(kind).get(name);
		return entry != null && entry.subscribed;
	}

	private void release(Channel entry, BiConsumer<byte[], byte[]> listener) {
		if (entry.listeners.remove(listener) && entry.listeners.isEmpty() && !this.closed) {
			try {
				this.janitor.schedule(entry::unsubscribeIfIdle, this.linger.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// closed meanwhile: the connection goes, and its subscriptions with it
			}
		}
	}

	private SignalConnection pubSub() {
		SignalConnection connection = this.pubSub;
		if (connection != null) {
			return connection;
		}
		this.connectionLock.lock();
		try {
			if (this.pubSub == null) {
				if (this.closed) {
					throw new RedisUnavailableException("Signals are closed");
				}
				this.pubSub = this.connections.open(new SignalEvents(this));
			}
			return this.pubSub;
		}
		finally {
			this.connectionLock.unlock();
		}
	}

	void dispatch(Kind kind, byte[] name, byte[] channel, byte[] message) {
		Channel entry = this.channels.get(kind).get(new String(name, StandardCharsets.UTF_8));
		if (entry == null) {
			return;
		}
		deliver(entry.name, entry.listeners, channel, message);
	}

	void dispatchNodeMessage(byte[] channel, byte[] message) {
		String name = new String(channel, StandardCharsets.UTF_8);
		List<BiConsumer<byte[], byte[]>> listeners = this.nodeListeners.get(name);
		if (listeners != null) {
			deliver(name, listeners, channel, message);
		}
	}

	private static void deliver(String name, List<BiConsumer<byte[], byte[]>> listeners, byte[] channel,
			byte[] message) {
		for (BiConsumer<byte[], byte[]> listener : listeners) {
			try {
				listener.accept(channel, message);
			}
			catch (RuntimeException ex) {
				logger.warn("Signal listener on " + name + " failed", ex);
			}
		}
	}

	/** Redis ended a sharded subscription (its slot moved): subscribe again unless it was left on purpose. */
	void shardUnsubscribed(byte[] channel) {
		Channel entry = this.channels.get(Kind.SHARD).get(new String(channel, StandardCharsets.UTF_8));
		if (entry != null && !entry.listeners.isEmpty()) {
			entry.subscribed = false;
			entry.scheduleResubscribe();
		}
	}

	@Override
	public void destroy() {
		SignalConnection connection;
		// under the lock: a connection being opened right now is either seen here or never opened
		this.connectionLock.lock();
		try {
			this.closed = true;
			connection = this.pubSub;
			this.pubSub = null;
		}
		finally {
			this.connectionLock.unlock();
		}
		this.janitor.shutdownNow();
		if (connection != null) {
			// closed before the connection factory shuts the client down, which would close it a second time
			try {
				connection.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the signal connection failed", ex);
			}
		}
	}

	private static byte[][] bytes(List<String> names) {
		return names.stream().map((name) -> name.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
	}

	/** A listener's registration; closing it stops delivery to that listener. */
	@FunctionalInterface
	public interface Subscription extends AutoCloseable {

		@Override
		void close();

	}

	private final class Channel {

		private final Kind kind;

		private final String name;

		private final byte[] bytes;

		private final CopyOnWriteArrayList<BiConsumer<byte[], byte[]>> listeners = new CopyOnWriteArrayList<>();

		private final ReentrantLock lock = new ReentrantLock();

		private volatile boolean subscribed;

		private boolean removed;

		Channel(Kind kind, String name) {
			this.kind = kind;
			this.name = name;
			this.bytes = name.getBytes(StandardCharsets.UTF_8);
		}

		/**
		 * Adds a listener and makes sure the channel is subscribed; {@code false} if this entry was
		 * retired meanwhile and the caller must use a fresh one.
		 */
		boolean add(BiConsumer<byte[], byte[]> listener) {
			this.lock.lock();
			try {
				if (this.removed) {
					return false;
				}
				if (this.kind == Kind.SHARD) {
					// kept on failure: subscribed in the background once Redis is back
					this.listeners.add(listener);
					if (!this.subscribed) {
						try {
							subscribeNow();
						}
						catch (RuntimeException ex) {
							logger.warn("Cannot subscribe to shard channel '" + this.name + "' now, retrying: "
									+ ex.getMessage());
							scheduleResubscribe();
						}
					}
					return true;
				}
				if (!this.subscribed) {
					subscribeNow();
				}
				this.listeners.add(listener);
				return true;
			}
			finally {
				this.lock.unlock();
			}
		}

		private void subscribeNow() {
			pubSub().subscribe(this.kind, this.bytes);
			this.subscribed = true;
		}

		void scheduleResubscribe() {
			if (RedisSignals.this.closed) {
				return;
			}
			try {
				RedisSignals.this.janitor.schedule(this::resubscribe, RESUBSCRIBE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// closed meanwhile
			}
		}

		private void resubscribe() {
			this.lock.lock();
			try {
				if (this.removed || this.listeners.isEmpty() || RedisSignals.this.closed) {
					return;
				}
				subscribeNow();
			}
			catch (RuntimeException ex) {
				logger.debug("Subscribing to shard channel '" + this.name + "' failed, retrying", ex);
				scheduleResubscribe();
			}
			finally {
				this.lock.unlock();
			}
		}

		void unsubscribeIfIdle() {
			this.lock.lock();
			try {
				if (!this.listeners.isEmpty() || !this.subscribed) {
					return;
				}
				SignalConnection connection = RedisSignals.this.pubSub;
				if (connection != null) {
					connection.unsubscribe(this.kind, this.bytes);
				}
				this.subscribed = false;
				this.removed = true;
				RedisSignals.this.channels.get(this.kind).remove(this.name, this);
			}
			finally {
				this.lock.unlock();
			}
		}

	}

}
