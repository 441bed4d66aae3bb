package dev.redispatterns.autoconfigure.messaging;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.RedisMessageListenerContainerConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.IdempotencyGuard;
import dev.redispatterns.messaging.MessagingListener;
import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.messaging.internal.AnnotatedListenerLifecycle;
import dev.redispatterns.messaging.internal.AnnotatedListenerProcessor;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.messaging.internal.ShardedPubSubSubscriber;
import dev.redispatterns.observability.MessagingMetrics;

/**
 * Messaging: {@code @PubSubListener} and {@link PubSubPublisher}, {@code @StreamGroupListener} and
 * {@link StreamPublisher}, {@code @QueueListener} and {@link QueuePublisher}, and the
 * {@link IdempotencyGuard} for at-least-once handlers. Classic pub/sub listeners use Spring Boot's
 * {@code redisMessageListenerContainer}; when Boot does not define one (it does so only with Spring
 * Messaging on the classpath) a container of that name is defined here, configured by Boot's own
 * {@code spring.data.redis.listener.*} settings, so there is exactly one either way.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(RedisMessageListenerContainer.class)
@ConditionalOnBean(RedisConnector.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.messaging.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsMessagingProperties.class)
public final class RedisPatternsMessagingAutoConfiguration {

	/** Bean name of Spring Boot's pub/sub listener container. */
	public static final String LISTENER_CONTAINER_BEAN_NAME = "redisMessageListenerContainer";

	private final RedisPatternsMessagingProperties properties;

	private final MessagingPolicies settings;

	RedisPatternsMessagingAutoConfiguration(RedisPatternsMessagingProperties properties) {
		this.properties = properties;
		this.settings = new MessagingPolicies(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	MessagingKeys redisPatternsMessagingKeys(RedisKeys keys) {
		return new MessagingKeys(keys);
	}

	@Bean
	@ConditionalOnMissingBean
	PubSubPublisher redisPatternsPubSubPublisher(RedisConnector connector, ValueCodec codec,
			ObjectProvider<MessagingListener> listeners) {
		return new PubSubPublisher(connector, codec, this.properties.getPubSub().isSharded(), listener(listeners));
	}

	@Bean
	@ConditionalOnMissingBean
	StreamPublisher redisPatternsStreamPublisher(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys,
			ValueCodec codec, ObjectProvider<MessagingListener> listeners,
			ObjectProvider<PatternObservations> observations) {
		return new StreamPublisher(connector, scripts, keys, codec, this.settings::stream, listener(listeners),
				observations.getIfAvailable(() -> PatternObservations.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	QueuePublisher redisPatternsQueuePublisher(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys,
			ValueCodec codec, ObjectProvider<MessagingListener> listeners,
			ObjectProvider<PatternObservations> observations) {
		return new QueuePublisher(connector, scripts, keys, codec, this.settings::queue, listener(listeners),
				observations.getIfAvailable(() -> PatternObservations.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotencyGuard redisPatternsIdempotencyGuard(RedisConnector connector, ScriptExecutor scripts,
			MessagingKeys keys) {
		return new IdempotencyGuard(connector, scripts, keys, this.properties.getIdempotency().getLease());
	}

	@Bean(name = LISTENER_CONTAINER_BEAN_NAME)
	@ConditionalOnMissingBean(name = LISTENER_CONTAINER_BEAN_NAME)
	@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
	RedisMessageListenerContainer redisMessageListenerContainer(RedisConnectionFactory connectionFactory,
			ObjectProvider<RedisMessageListenerContainerConfigurer> configurers,
			ObjectProvider<DataRedisProperties> redisProperties) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		RedisMessageListenerContainerConfigurer configurer = configurers.getIfAvailable(
				() -> new RedisMessageListenerContainerConfigurer(redisProperties.getIfAvailable(DataRedisProperties::new)));
		configurer.configure(container, connectionFactory);
		return container;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static AnnotatedListenerProcessor redisPatternsMessagingListenerAnnotationProcessor() {
		return new AnnotatedListenerProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	AnnotatedListenerLifecycle redisPatternsMessagingListenerLifecycle(AnnotatedListenerProcessor processor,
			RedisConnector connector, RedisSignals signals, ScriptExecutor scripts, MessagingKeys keys,
			ValueCodec codec, ObjectProvider<MessagingListener> listeners, BeanFactory beanFactory,
			ObjectProvider<PatternObservations> observations) {
		MessagingListener listener = listener(listeners);
		return new AnnotatedListenerLifecycle(processor, connector, scripts, keys, codec, this.settings::stream,
				this.settings::queue, listener, this.properties.getPubSub().isSharded(),
				() -> beanFactory.containsBean(LISTENER_CONTAINER_BEAN_NAME)
						? beanFactory.getBean(LISTENER_CONTAINER_BEAN_NAME, RedisMessageListenerContainer.class) : null,
				() -> new ShardedPubSubSubscriber(connector, signals, listener),
				observations.getIfAvailable(() -> PatternObservations.NONE));
	}

	private static MessagingListener listener(ObjectProvider<MessagingListener> listeners) {
		return MessagingListener.composite(listeners.orderedStream().toList());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MessagingMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MessagingMetrics redisPatternsMessagingMetrics(ObjectProvider<MeterRegistry> registry) {
			return new MessagingMetrics(registry.getObject());
		}

	}

}
