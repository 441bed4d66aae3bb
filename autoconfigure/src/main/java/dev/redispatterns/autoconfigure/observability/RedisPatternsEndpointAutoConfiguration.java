package dev.redispatterns.autoconfigure.observability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockProperties;
import dev.redispatterns.autoconfigure.messaging.MessagingPolicies;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingProperties;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.cache.RedisPatternsCacheManager;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.lock.LockPolicy;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.messaging.QueuePolicy;
import dev.redispatterns.messaging.StreamPolicy;
import dev.redispatterns.messaging.internal.AnnotatedListenerLifecycle;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.observability.internal.RedisPatternsEndpoint;
import dev.redispatterns.observability.internal.RedisPatternsWritableEndpoint;
import dev.redispatterns.ratelimit.RateLimiter;

/**
 * The {@code redispatterns} actuator endpoint, available like any endpoint once exposed
 * ({@code management.endpoints.web.exposure.include=redispatterns}). Read-only unless
 * {@code redis.patterns.observability.endpoint.write-operations.enabled} is set, in which case the variant
 * with the audited write operations replaces it.
 */
@AutoConfiguration(after = { RedisPatternsAutoConfiguration.class, RedisPatternsCacheAutoConfiguration.class,
		RedisPatternsRateLimitAutoConfiguration.class, RedisPatternsLockAutoConfiguration.class,
		RedisPatternsMessagingAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(RedisConnector.class)
@ConditionalOnAvailableEndpoint(RedisPatternsEndpoint.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.observability.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsObservabilityProperties.class)
public final class RedisPatternsEndpointAutoConfiguration {

	private static final String WRITE_OPERATIONS = "redis.patterns.observability.endpoint.write-operations.enabled";

	@Bean
	@ConditionalOnMissingBean(RedisPatternsEndpoint.class)
	@ConditionalOnBooleanProperty(name = WRITE_OPERATIONS, havingValue = false, matchIfMissing = true)
	RedisPatternsEndpoint redisPatternsEndpoint(RedisConnector connector, SourcesFactory sources,
			RedisPatternsObservabilityProperties properties) {
		return new RedisPatternsEndpoint(connector, sources.create(), properties.getEndpoint().isShowLockNames());
	}

	@Bean
	@ConditionalOnMissingBean(RedisPatternsEndpoint.class)
	@ConditionalOnBooleanProperty(name = WRITE_OPERATIONS)
	RedisPatternsWritableEndpoint redisPatternsWritableEndpoint(RedisConnector connector, SourcesFactory sources,
			ApplicationEventPublisher events, RedisPatternsObservabilityProperties properties) {
		return new RedisPatternsWritableEndpoint(connector, sources.create(), events,
				properties.getEndpoint().isShowLockNames());
	}

	@Bean
	SourcesFactory redisPatternsEndpointSources(ObjectProvider<RedisPatternsCacheManager> caches,
			ObjectProvider<RateLimiter> rateLimiter, ObjectProvider<RedisLockManager> locks,
			ObjectProvider<RedisPatternsLockProperties> lockProperties, ObjectProvider<MessagingKeys> messagingKeys,
			ObjectProvider<AnnotatedListenerLifecycle> listeners,
			ObjectProvider<RedisPatternsMessagingProperties> messagingProperties) {
		return new SourcesFactory(caches, rateLimiter, locks, lockProperties, messagingKeys, listeners,
				messagingProperties);
	}

	/** Collects what the endpoint reads from, each part only where its feature is on. */
	static final class SourcesFactory {

		private final ObjectProvider<RedisPatternsCacheManager> caches;

		private final ObjectProvider<RateLimiter> rateLimiter;

		private final ObjectProvider<RedisLockManager> locks;

		private final ObjectProvider<RedisPatternsLockProperties> lockProperties;

		private final ObjectProvider<MessagingKeys> messagingKeys;

		private final ObjectProvider<AnnotatedListenerLifecycle> listeners;

		private final ObjectProvider<RedisPatternsMessagingProperties> messagingProperties;

		SourcesFactory(ObjectProvider<RedisPatternsCacheManager> caches, ObjectProvider<RateLimiter> rateLimiter,
				ObjectProvider<RedisLockManager> locks, ObjectProvider<RedisPatternsLockProperties> lockProperties,
				ObjectProvider<MessagingKeys> messagingKeys, ObjectProvider<AnnotatedListenerLifecycle> listeners,
				ObjectProvider<RedisPatternsMessagingProperties> messagingProperties) {
			this.caches = caches;
			this.rateLimiter = rateLimiter;
			this.locks = locks;
			this.lockProperties = lockProperties;
			this.messagingKeys = messagingKeys;
			this.listeners = listeners;
			this.messagingProperties = messagingProperties;
		}

		RedisPatternsEndpoint.Sources create() {
			RedisPatternsLockProperties lockConfig = this.lockProperties.getIfUnique();
			@Nullable LockPolicy lockDefaults = null;
			Map<String, LockPolicy> lockPolicies = new LinkedHashMap<>();
			if (lockConfig != null) {
				lockDefaults = new LockPolicy(lockConfig.getDefaultWaitTime(), lockConfig.getDefaultLeaseTime());
				for (Map.Entry<String, RedisPatternsLockProperties.LockPolicyProperties> entry : lockConfig.getLocks().entrySet()) {
					Duration wait = entry.getValue().getWaitTime();
					Duration lease = entry.getValue().getLeaseTime();
					lockPolicies.put(entry.getKey(), new LockPolicy((wait != null) ? wait : lockDefaults.waitTime(),
							(lease != null) ? lease : lockDefaults.leaseTime()));
				}
			}
			RedisPatternsMessagingProperties messaging = this.messagingProperties.getIfUnique();
			@Nullable MessagingPolicies resolver = (messaging != null) ? new MessagingPolicies(messaging) : null;
			@Nullable Function<String, StreamPolicy> streams = (resolver != null) ? resolver::stream : null;
			@Nullable Function<String, QueuePolicy> queues = (resolver != null) ? resolver::queue : null;
			return new RedisPatternsEndpoint.Sources(this.caches.getIfUnique(), this.rateLimiter.getIfUnique(),
					this.locks.getIfUnique(), lockDefaults, lockPolicies, this.messagingKeys.getIfUnique(),
					this.listeners.getIfUnique(), streams, queues,
					(messaging != null) ? List.copyOf(messaging.getStreams().keySet()) : List.of(),
					(messaging != null) ? List.copyOf(messaging.getQueues().keySet()) : List.of());
		}

	}

}
