package dev.redispatterns.core.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;

import dev.redispatterns.core.RedisConnector;

/**
 * The signal connection in portable mode: Spring Data's {@link RedisMessageListenerContainer}, which
 * subscribes on any connection factory (with Jedis, a pooled connection and a thread held for as long as
 * anything is subscribed) and subscribes again after a reconnect.
 */
public final class PortableSignalConnection implements SignalConnection {

	private static final long RECOVERY_INTERVAL_MILLIS = 500;

	private final RedisConnector connector;

	private final RedisMessageListenerContainer container = new RedisMessageListenerContainer();

	private final Map<ByteBuffer, CompletableFuture<Void>> confirmations = new ConcurrentHashMap<>();

	/** Channels Redis confirmed since they were last unsubscribed: a confirmation again is a resubscription. */
	private final Set<ByteBuffer> confirmed = ConcurrentHashMap.newKeySet();

	private final Listener listener;

	PortableSignalConnection(RedisConnector connector, SignalEvents events) {
		this.connector = connector;
		this.listener = new Listener(events);
		this.container.setConnectionFactory(connector.connectionFactory());
		this.container.setTaskExecutor((task) -> connector.threads().thread("signals-listener", task).start());
		this.container.setBeanName("redisPatternsSignals");
		// back soon after a broken connection: waiters poll meanwhile, near caches empty once it is back
		this.container.setRecoveryInterval(RECOVERY_INTERVAL_MILLIS);
		this.container.afterPropertiesSet();
		this.container.start();
	}

	@Override
	public void subscribe(SignalConnection.Kind kind, byte[] channel) {
		if (kind != SignalConnection.Kind.CHANNEL) {
			throw new UnsupportedOperationException(kind + " subscriptions need Lettuce");
		}
		ByteBuffer key = ByteBuffer.wrap(channel);
		CompletableFuture<Void> confirmed = new CompletableFuture<>();
		this.confirmations.put(key, confirmed);
		try {
			this.container.addMessageListener(this.listener, topic(channel));
			this.connector.await(confirmed);
		}
		catch (RuntimeException ex) {
			this.confirmed.remove(key);
			this.container.removeMessageListener(this.listener, topic(channel));
			throw RedisConnector.translate(ex);
		}
		finally {
			this.confirmations.remove(key, confirmed);
		}
	}

	@Override
	public void unsubscribe(SignalConnection.Kind kind, byte[] channel) {
		this.confirmed.remove(ByteBuffer.wrap(channel));
		this.container.removeMessageListener(this.listener, topic(channel));
	}

	private static ChannelTopic topic(byte[] channel) {
		return ChannelTopic.of(RedisSerializer.string().deserialize(channel));
	}

	@Override
	public void close() {
		try {
			this.container.destroy();
		}
		catch (Exception ex) {
			throw RedisConnector.translate(ex);
		}
	}

	private final class Listener implements MessageListener, SubscriptionListener {

		private final SignalEvents events;

		Listener(SignalEvents events) {
			this.events = events;
		}

		@Override
		public void onMessage(Message message, byte[] pattern) {
			this.events.message(message.getChannel(), message.getBody());
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			ByteBuffer key = ByteBuffer.wrap(channel);
			boolean again = !PortableSignalConnection.this.confirmed.add(key);
			CompletableFuture<Void> pending = PortableSignalConnection.this.confirmations.get(key);
			if (pending != null) {
				pending.complete(null);
			}
			if (again) {
				// confirmed before: the container subscribed again after its connection broke
				this.events.resubscribed();
			}
		}

	}

}
