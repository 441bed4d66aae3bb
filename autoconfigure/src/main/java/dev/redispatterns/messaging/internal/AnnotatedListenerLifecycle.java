package dev.redispatterns.messaging.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.listener.Topic;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.ValueDecodingException;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.MessagingListener;
import dev.redispatterns.messaging.PubSubListener;
import dev.redispatterns.messaging.QueuePolicy;
import dev.redispatterns.messaging.StreamPolicy;
import dev.redispatterns.messaging.internal.AnnotatedListenerProcessor.Endpoint;
import dev.redispatterns.messaging.internal.AnnotatedListenerProcessor.PubSubEndpoint;
import dev.redispatterns.messaging.internal.AnnotatedListenerProcessor.QueueEndpoint;
import dev.redispatterns.messaging.internal.AnnotatedListenerProcessor.StreamEndpoint;

/**
 * Connects the annotated listener methods to Redis. Classic pub/sub listeners are added to Spring Boot's
 * {@code redisMessageListenerContainer} before it starts (so it subscribes them all at once and subscribes
 * again after reconnects); sharded ones go to the {@link ShardedPubSubSubscriber}, on the starter's own
 * {@code RedisSignals} connection. Stream and queue listeners get a {@link StreamConsumer} or
 * {@link QueueConsumer} each, started with the context and stopped gracefully, all in parallel, when it closes.
 */
public final class AnnotatedListenerLifecycle implements SmartLifecycle, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(AnnotatedListenerLifecycle.class);

	/** Starts late and stops early, together with the web server's graceful shutdown. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

	private final AnnotatedListenerProcessor processor;

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final MessagingKeys keys;

	private final ValueCodec codec;

	private final Function<String, StreamPolicy> streamSettings;

	private final Function<String, QueuePolicy> queueSettings;

	private final MessagingListener listener;

	private final boolean sharded;

	private final Supplier<@Nullable RedisMessageListenerContainer> container;

	private final Supplier<ShardedPubSubSubscriber> shardedSubscriber;

	private final PatternObservations observations;

	private final List<StreamConsumer> streamConsumers = new ArrayList<>();

	private final List<QueueConsumer> queueConsumers = new ArrayList<>();

	private @Nullable ShardedPubSubSubscriber shardedConnection;

	private volatile boolean running;

	/**
	 * @param sharded whether pub/sub on Redis Cluster is sharded (ignored elsewhere)
	 * @param container Spring Boot's listener container, or {@code null} when there is none
	 */
	public AnnotatedListenerLifecycle(AnnotatedListenerProcessor processor, RedisConnector connector,
			ScriptExecutor scripts, MessagingKeys keys, ValueCodec codec, Function<String, StreamPolicy> streamSettings,
			Function<String, QueuePolicy> queueSettings, MessagingListener listener, boolean sharded,
			Supplier<@Nullable RedisMessageListenerContainer> container,
			Supplier<ShardedPubSubSubscriber> shardedSubscriber) {
		this(processor, connector, scripts, keys, codec, streamSettings, queueSettings, listener, sharded, container,
				shardedSubscriber, PatternObservations.NONE);
	}

	/**
	 * @param sharded whether pub/sub on Redis Cluster is sharded (ignored elsewhere)
	 * @param container Spring Boot's listener container, or {@code null} when there is none
	 * @param observations where stream entries and queue jobs handled by listeners are observed
	 */
	public AnnotatedListenerLifecycle(AnnotatedListenerProcessor processor, RedisConnector connector,
			ScriptExecutor scripts, MessagingKeys keys, ValueCodec codec, Function<String, StreamPolicy> streamSettings,
			Function<String, QueuePolicy> queueSettings, MessagingListener listener, boolean sharded,
			Supplier<@Nullable RedisMessageListenerContainer> container,
			Supplier<ShardedPubSubSubscriber> shardedSubscriber, PatternObservations observations) {
		this.observations = observations;
		this.processor = processor;
		this.connector = connector;
		this.scripts = scripts;
		this.keys = keys;
		this.codec = codec;
		this.streamSettings = streamSettings;
		this.queueSettings = queueSettings;
		this.listener = listener;
		this.sharded = sharded && connector.isCluster();
		this.container = container;
		this.shardedSubscriber = shardedSubscriber;
	}

	/** Checks the listeners and hands classic pub/sub ones to the container before it starts. */
	@Override
	public void afterSingletonsInstantiated() {
		List<PubSubEndpoint> pubSub = endpoints(PubSubEndpoint.class);
		for (StreamEndpoint endpoint : endpoints(StreamEndpoint.class)) {
			this.streamSettings.apply(endpoint.stream());
		}
		for (QueueEndpoint endpoint : endpoints(QueueEndpoint.class)) {
			this.queueSettings.apply(endpoint.queue());
		}
		if (pubSub.isEmpty()) {
			return;
		}
		if (this.sharded) {
			if (!this.connector.isNative()) {
				throw ShardedPubSubSubscriber.needsLettuce(this.connector,
						"@PubSubListener methods (" + pubSub.get(0).method().description() + ")");
			}
			for (PubSubEndpoint endpoint : pubSub) {
				if (!endpoint.patterns().isEmpty()) {
					throw new RedisPatternsConfigurationException(endpoint.method().description()
							+ " subscribes to patterns " + endpoint.patterns()
							+ ", which sharded pub/sub on Redis Cluster ('redis.patterns.messaging.pub-sub.sharded', on by default there) cannot do",
							"Subscribe to channels instead of patterns, or set "
									+ "'redis.patterns.messaging.pub-sub.sharded' to false to use cluster-wide pub/sub.");
				}
			}
			return;
		}
		RedisMessageListenerContainer listenerContainer = this.container.get();
		if (listenerContainer == null) {
			throw new RedisPatternsConfigurationException(
					"@PubSubListener methods need a RedisMessageListenerContainer bean named 'redisMessageListenerContainer'",
					"Define a RedisMessageListenerContainer bean named 'redisMessageListenerContainer' (the starter defines "
							+ "one only when the application has a single, or a primary, RedisConnectionFactory).");
		}
		for (PubSubEndpoint endpoint : pubSub) {
			for (String channel : endpoint.channels()) {
				listenerContainer.addMessageListener(new ContainerListener(endpoint.method(), channel),
						new ChannelTopic(channel));
			}
			for (String pattern : endpoint.patterns()) {
				Topic topic = new PatternTopic(pattern);
				listenerContainer.addMessageListener(new ContainerListener(endpoint.method(), pattern), topic);
			}
		}
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		List<PubSubEndpoint> pubSub = endpoints(PubSubEndpoint.class);
		if (this.sharded && !pubSub.isEmpty()) {
			ShardedPubSubSubscriber subscriber = this.shardedSubscriber.get();
			this.shardedConnection = subscriber;
			for (PubSubEndpoint endpoint : pubSub) {
				for (String channel : endpoint.channels()) {
					ListenerMethod method = endpoint.method();
					subscriber.subscribe(channel, (message) -> deliver(method, channel, channel, message));
				}
			}
		}
		for (StreamEndpoint endpoint : endpoints(StreamEndpoint.class)) {
			StreamPolicy settings = this.streamSettings.apply(endpoint.stream());
			if (endpoint.concurrency() > 0) {
				settings = settings.withConcurrency(endpoint.concurrency());
			}
			StreamConsumer consumer = new StreamConsumer(this.connector, this.scripts, this.keys, settings,
					endpoint.group(), ConsumerNames.next(),
					ObservedMessageHandler.of(endpoint.method().asHandler(this.codec), this.observations), this.listener);
			this.streamConsumers.add(consumer);
			consumer.start();
		}
		for (QueueEndpoint endpoint : endpoints(QueueEndpoint.class)) {
			QueuePolicy settings = this.queueSettings.apply(endpoint.queue());
			if (endpoint.concurrency() > 0) {
				settings = settings.withConcurrency(endpoint.concurrency());
			}
			QueueConsumer consumer = new QueueConsumer(this.connector, this.scripts, this.keys, settings,
					ConsumerNames.next(),
					ObservedMessageHandler.of(endpoint.method().asHandler(this.codec), this.observations), this.listener);
			this.queueConsumers.add(consumer);
			consumer.start();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		stopAll();
	}

	@Override
	public void stop(Runnable callback) {
		// platform threads: stopping a consumer waits inside its monitor, which would pin a virtual thread's
		// carrier before Java 24
		RedisPatternsThreads.platform().thread("messaging-shutdown", () -> {
			try {
				stopAll();
			}
			finally {
				callback.run();
			}
		}).start();
	}

	private synchronized void stopAll() {
		if (!this.running) {
			return;
		}
		this.running = false;
		ShardedPubSubSubscriber subscriber = this.shardedConnection;
		this.shardedConnection = null;
		if (subscriber != null) {
			subscriber.close();
		}
		List<CompletableFuture<Void>> stopping = new ArrayList<>();
		for (StreamConsumer consumer : this.streamConsumers) {
			stopping.add(CompletableFuture.runAsync(consumer::stop, this::runOnOwnThread));
		}
		for (QueueConsumer consumer : this.queueConsumers) {
			stopping.add(CompletableFuture.runAsync(consumer::stop, this::runOnOwnThread));
		}
		CompletableFuture.allOf(stopping.toArray(new CompletableFuture<?>[0])).exceptionally((failure) -> {
			logger.warn("Stopping a messaging consumer failed", failure);
			return null;
		}).join();
		this.streamConsumers.clear();
		this.queueConsumers.clear();
	}

	private void runOnOwnThread(Runnable task) {
		RedisPatternsThreads.platform().factory("messaging-stop").newThread(task).start();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** The sharded pub/sub subscriber while running on Redis Cluster with sharded listeners, else null. */
	public @Nullable ShardedPubSubSubscriber shardedSubscriber() {
		return this.shardedConnection;
	}

	/** The stream consumers started by this lifecycle (for diagnostics and tests). */
	public synchronized List<StreamConsumer> streamConsumers() {
		return List.copyOf(this.streamConsumers);
	}

	/** The queue consumers started by this lifecycle (for diagnostics and tests). */
	public synchronized List<QueueConsumer> queueConsumers() {
		return List.copyOf(this.queueConsumers);
	}

	private <T extends Endpoint> List<T> endpoints(Class<T> type) {
		return this.processor.endpoints().stream().filter(type::isInstance).map(type::cast).toList();
	}

	/** Decodes and hands one pub/sub message to its method; failures are logged and counted, never thrown. */
	private void deliver(ListenerMethod method, String topic, String channel, byte[] body) {
		this.listener.onPubSubReceived(topic);
		Object payload;
		try {
			payload = method.decode(body, this.codec);
		}
		catch (ValueDecodingException ex) {
			this.listener.onPubSubDropped(topic);
			logger.warn("Dropped a message on '" + channel + "' that " + method.description() + " cannot read as "
					+ method.payloadType().getName() + ": " + ex.getMessage());
			return;
		}
		long start = System.nanoTime();
		boolean success = false;
		// the message is the payload alone, with no room for a trace context: its handler starts a trace
		Observation observation = this.observations.isActive()
				? this.observations.startReceive(RedisPatternsObservation.PUBSUB_PROCESS, topic, null, null, Map.of())
				: null;
		Throwable failure = null;
		try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
			method.invoke(payload, null, channel);
			success = true;
		}
		catch (Exception ex) {
			failure = ex;
			logger.error(method.description() + " failed on a message from '" + channel + "'", ex);
		}
		finally {
			this.listener.onPubSubHandled(topic, System.nanoTime() - start, success);
			if (observation != null) {
				PatternObservations.stop(observation, success ? "success" : "failure", failure);
			}
		}
	}

	/** Adapts a listener method to Spring Data Redis's container. */
	private final class ContainerListener implements MessageListener {

		private final ListenerMethod method;

		private final String topic;

		ContainerListener(ListenerMethod method, String topic) {
			this.method = method;
			this.topic = topic;
		}

		@Override
		public void onMessage(Message message, byte @Nullable [] pattern) {
			deliver(this.method, this.topic, new String(message.getChannel(), StandardCharsets.UTF_8),
					message.getBody());
		}

	}

}
