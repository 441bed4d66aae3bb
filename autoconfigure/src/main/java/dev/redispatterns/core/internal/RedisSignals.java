package dev.redispatterns.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;

/**
 * The starter's own signalling channel: one dedicated pub/sub connection (never the command connection)
 * shared by every feature that waits for something to happen in Redis — a cache value landing, a lock
 * being released, a near-cache entry being invalidated.
 * <p>
 * Listeners are called on the client's thread (Lettuce's I/O thread, or the listener container's in
 * portable mode) and must not block: complete a future, unpark a thread. Pub/sub delivers at most once and
 * loses messages while disconnected, so every waiter keeps a bounded poll as its fallback. Lettuce and
 * the listener container re-subscribe by themselves after a reconnect. A channel whose last listener
 * left stays subscribed for a short linger time, so hot channels do not pay a SUBSCRIBE round trip
 * again and again.
 */
public final class RedisSignals implements DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisSignals.class);

	private final RedisConnector connector;

	private final Duration linger;

	private final Map<String, Channel> channels = new ConcurrentHashMap<>();

	private final CopyOnWriteArrayList<Runnable> resubscribedListeners = new CopyOnWriteArrayList<>();

	private final ReentrantLock connectionLock = new ReentrantLock();

	private final ScheduledExecutorService janitor;

	private volatile @Nullable SignalConnection pubSub;

	private volatile boolean closed;

	public RedisSignals(RedisConnector connector, Duration linger) {
		this.connector = connector;
		this.linger = linger;
		this.janitor = connector.threads().scheduler("signals");
	}

	/**
	 * Subscribes {@code listener} to {@code channel}. Returns once Redis has confirmed the subscription,
	 * so a caller can subscribe first and then check the state it waits for without missing a signal.
	 * @throws RedisUnavailableException if Redis cannot be reached; callers fall back to polling
	 */
	public Subscription subscribe(String channel, Consumer<byte[]> listener) {
		while (true) {
			Channel entry = this.channels.computeIfAbsent(channel, Channel::new);
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

	private void resubscribed() {
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
		Channel entry = this.channels.get(channel);
		return entry != null && entry.subscribed;
	}

	private void release(Channel entry, Consumer<byte[]> listener) {
		if (entry.listeners.remove(listener) && entry.listeners.isEmpty() && !this.closed) {
			this.janitor.schedule(entry::unsubscribeIfIdle, this.linger.toMillis(), TimeUnit.MILLISECONDS);
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
				this.pubSub = this.connector.isNative() ? new LettuceSignalConnection(this.connector, this::dispatch)
						: new PortableSignalConnection(this.connector, this::dispatch, this::resubscribed);
			}
			return this.pubSub;
		}
		finally {
			this.connectionLock.unlock();
		}
	}

	private void dispatch(byte[] channelBytes, byte[] message) {
		Channel entry = this.channels.get(new String(channelBytes, StandardCharsets.UTF_8));
		if (entry == null) {
			return;
		}
		for (Consumer<byte[]> listener : entry.listeners) {
			try {
				listener.accept(message);
			}
			catch (RuntimeException ex) {
				logger.warn("Signal listener on " + entry.name + " failed", ex);
			}
		}
	}

	@Override
	public void destroy() {
		this.janitor.shutdownNow();
		SignalConnection connection;
		// under the lock: a connection being opened right now is closed here too, not left to the client's
		// shutdown (which would make this bean's second destroy close it again, and Lettuce warn)
		this.connectionLock.lock();
		try {
			this.closed = true;
			connection = this.pubSub;
			this.pubSub = null;
		}
		finally {
			this.connectionLock.unlock();
		}
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

	/** The dedicated pub/sub connection: subscribing returns once Redis confirmed. */
	interface SignalConnection {

		void subscribe(byte[] channel);

		void unsubscribe(byte[] channel);

		void close();

	}

	/** A listener's registration; closing it stops delivery to that listener. */
	@FunctionalInterface
	public interface Subscription extends AutoCloseable {

		@Override
		void close();

	}

	private final class Channel {

		private final String name;

		private final byte[] bytes;

		private final CopyOnWriteArrayList<Consumer<byte[]>> listeners = new CopyOnWriteArrayList<>();

		private final ReentrantLock lock = new ReentrantLock();

		private volatile boolean subscribed;

		private boolean removed;

		Channel(String name) {
			this.name = name;
			this.bytes = name.getBytes(StandardCharsets.UTF_8);
		}

		/**
		 * Adds a listener and makes sure the channel is subscribed; {@code false} if this entry was
		 * retired meanwhile and the caller must use a fresh one.
		 */
		boolean add(Consumer<byte[]> listener) {
			this.lock.lock();
			try {
				if (this.removed) {
					return false;
				}
				if (!this.subscribed) {
					pubSub().subscribe(this.bytes);
					this.subscribed = true;
				}
				this.listeners.add(listener);
				return true;
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
					connection.unsubscribe(this.bytes);
				}
				this.subscribed = false;
				this.removed = true;
				RedisSignals.this.channels.remove(this.name, this);
			}
			finally {
				this.lock.unlock();
			}
		}

	}

}
