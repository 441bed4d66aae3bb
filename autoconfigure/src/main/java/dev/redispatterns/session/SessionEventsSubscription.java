package dev.redispatterns.session;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.listener.Topic;
import org.springframework.session.data.redis.config.ConfigureNotifyKeyspaceEventsAction;

import dev.redispatterns.core.RedisConnector;

/**
 * Keeps a {@link RedisPatternsSessionRepository} subscribed to the session event channels while the
 * context runs: through a listener container, or on Redis Cluster through {@link ClusterSessionEvents}
 * (every master). Nothing reaches Redis before {@link #start()}: that is where the keyspace notification
 * flags are set (when asked to) and the subscription is made.
 * <p>
 * It starts before the web server and before the listener containers (which then subscribe the channels
 * it registered), and stops after them, so no event is handled once the context's beans are being
 * destroyed.
 */
public final class SessionEventsSubscription implements SmartLifecycle, DisposableBean {

	/** Before the web server starts and after it stops. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final RedisPatternsSessionRepository repository;

	private final RedisConnector connector;

	private final @Nullable RedisMessageListenerContainer container;

	private final boolean configureKeyspaceNotifications;

	private @Nullable ClusterSessionEvents clusterEvents;

	private volatile boolean running;

	/**
	 * @param container the container to subscribe through; {@code null} on Redis Cluster, where every master
	 * is subscribed on its own connection
	 * @param configureKeyspaceNotifications whether to turn on the notifications Spring Session needs
	 * ({@code CONFIG SET notify-keyspace-events})
	 */
	public SessionEventsSubscription(RedisPatternsSessionRepository repository, RedisConnector connector,
			@Nullable RedisMessageListenerContainer container, boolean configureKeyspaceNotifications) {
		this.repository = repository;
		this.connector = connector;
		this.container = container;
		this.configureKeyspaceNotifications = configureKeyspaceNotifications;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		RedisMessageListenerContainer container = this.container;
		if (container == null) {
			ClusterSessionEvents events = new ClusterSessionEvents(this.connector, this.repository,
					this.configureKeyspaceNotifications);
			events.start();
			this.clusterEvents = events;
		}
		else {
			if (this.configureKeyspaceNotifications) {
				try (RedisConnection connection = this.connector.connectionFactory().getConnection()) {
					new ConfigureNotifyKeyspaceEventsAction().configure(connection);
				}
			}
			List<Topic> topics = new ArrayList<>();
			this.repository.eventChannels().forEach((channel) -> topics.add(new ChannelTopic(channel)));
			topics.add(new PatternTopic(this.repository.createdEventPattern()));
			container.addMessageListener(this.repository, topics);
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		ClusterSessionEvents events = this.clusterEvents;
		if (events != null) {
			events.close();
			this.clusterEvents = null;
		}
		if (this.container != null) {
			this.container.removeMessageListener(this.repository);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() {
		stop();
	}

}
