package dev.redispatterns.core;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * The signal connection in portable mode: Spring Data's {@link RedisMessageListenerContainer}, which
 * subscribes on any connection factory (with Jedis, a pooled connection and a thread held for as long as
 * anything is subscribed) and subscribes again after a reconnect.
 */
final class PortableSignalConnection implements RedisSignals.SignalConnection {

	private final RedisConnector connector;

	private final RedisMessageListenerContainer container = new RedisMessageListenerContainer();

	private final Map<ByteBuffer, CompletableFuture<Void>> confirmations = new ConcurrentHashMap<>();

	private final Listener listener;

	PortableSignalConnection(RedisConnector connector, BiConsumer<byte[], byte[]> onMessage) {
		this.connector = connector;
		this.listener = new Listener(onMessage);
		this.container.setConnectionFactory(connector.connectionFactory());
		this.container.setTaskExecutor((task) -> connector.threads().thread("signals-listener", task).start());
		this.container.setBeanName("redisPatternsSignals");
		this.container.afterPropertiesSet();
		this.container.start();
	}

	@Override
	public void subscribe(byte[] channel) {
		ByteBuffer key = ByteBuffer.wrap(channel);
		CompletableFuture<Void> confirmed = new CompletableFuture<>();
		this.confirmations.put(key, confirmed);
		try {
			this.container.addMessageListener(this.listener, topic(channel));
			this.connector.await(confirmed);
		}
		catch (RuntimeException ex) {
			this.container.removeMessageListener(this.listener, topic(channel));
			throw RedisConnector.translate(ex);
		}
		finally {
			this.confirmations.remove(key, confirmed);
		}
	}

	@Override
	public void unsubscribe(byte[] channel) {
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

		private final BiConsumer<byte[], byte[]> onMessage;

		Listener(BiConsumer<byte[], byte[]> onMessage) {
			this.onMessage = onMessage;
		}

		@Override
		public void onMessage(Message message, byte[] pattern) {
			this.onMessage.accept(message.getChannel(), message.getBody());
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			CompletableFuture<Void> confirmed = PortableSignalConnection.this.confirmations.get(ByteBuffer.wrap(channel));
			if (confirmed != null) {
				confirmed.complete(null);
			}
		}

	}

}
