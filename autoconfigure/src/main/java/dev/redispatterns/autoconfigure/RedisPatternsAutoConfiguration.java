package dev.redispatterns.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.Delay;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.JsonValueCodec;
import dev.redispatterns.core.KeyExpressionEvaluator;
import dev.redispatterns.core.RedisChannels;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisKeys;
import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.RedisSignals;
import dev.redispatterns.core.ScriptExecutor;
import dev.redispatterns.core.SentinelFailoverFollower;
import dev.redispatterns.core.TypeAllowList;
import dev.redispatterns.core.ValueCodec;

/**
 * Core of the starter: direct Lettuce access, key naming, Lua script execution, the JSON value codec and
 * the key expression evaluator, shared by every feature.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.enabled", matchIfMissing = true)
@Conditional(SupportedSpringBootCondition.class)
@EnableConfigurationProperties(RedisPatternsProperties.class)
public final class RedisPatternsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisKeys redisPatternsKeys(RedisPatternsProperties properties) {
		try {
			return new RedisKeys(properties.getKeyPrefix());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPropertyException("redis.patterns.key-prefix", properties.getKeyPrefix(), ex.getMessage());
		}
	}

	@Bean
	@ConditionalOnMissingBean
	RedisConnector redisPatternsConnector(RedisConnectionFactory connectionFactory, RedisPatternsProperties properties) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new RedisPatternsConfigurationException(
					"Redis Patterns needs Lettuce, but the application's RedisConnectionFactory is a "
							+ connectionFactory.getClass().getName() + ".",
					"Use Lettuce, Spring Boot's default Redis client: remove the Jedis dependency, or set "
							+ "spring.data.redis.client-type=lettuce. To start without the starter's features, set "
							+ "redis.patterns.enabled=false.");
		}
		Duration timeout = properties.getCommandTimeout();
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new InvalidPropertyException("redis.patterns.command-timeout", timeout, "must be positive");
		}
		return new RedisConnector(lettuce, timeout);
	}

	@Bean
	@ConditionalOnMissingBean
	ScriptExecutor redisPatternsScriptExecutor(RedisConnector connector) {
		return new ScriptExecutor(connector);
	}

	@Bean
	@ConditionalOnMissingBean
	RedisSignals redisPatternsSignals(RedisConnector connector) {
		return new RedisSignals(connector, Duration.ofSeconds(30));
	}

	/** Closes {@link RedisSignals} and {@link RedisConnector} before the connection factory stops. */
	@Bean
	ConnectionsShutdown redisPatternsConnectionsShutdown(RedisConnector connector, RedisSignals signals) {
		return new ConnectionsShutdown(connector.connectionFactory(), List.of(signals, connector));
	}

	@Bean
	@ConditionalOnMissingBean
	ValueCodec redisPatternsValueCodec(RedisPatternsProperties properties, BeanFactory beanFactory,
			ObjectProvider<ValueCodecCustomizer> customizers) {
		RedisPatternsProperties.Codec codec = properties.getCodec();
		List<String> packages = new ArrayList<>(codec.getAllowedPackages());
		if (codec.isAllowApplicationPackages() && AutoConfigurationPackages.has(beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		long maxSize = codec.getMaxValueSize().toBytes();
		if (maxSize <= 0) {
			throw new InvalidPropertyException("redis.patterns.codec.max-value-size", codec.getMaxValueSize(),
					"must be positive");
		}
		TypeAllowList allowList = TypeAllowList.of(packages, codec.getAllowedTypes());
		return new JsonValueCodec(allowList, maxSize,
				(builder) -> customizers.orderedStream().forEach((customizer) -> customizer.customize(builder)));
	}

	@Bean
	@ConditionalOnMissingBean
	KeyExpressionEvaluator redisPatternsKeyExpressionEvaluator(RedisPatternsProperties properties,
			BeanFactory beanFactory) {
		RedisPatternsProperties.Expressions expressions = properties.getExpressions();
		return new KeyExpressionEvaluator(expressions.isAllowBeanReferences() ? beanFactory : null,
				expressions.getAllowedBeans());
	}

	/**
	 * Lettuce's exponential reconnect back-off, capped: after a long outage, features recover within
	 * {@code redis.patterns.reconnect-max-delay} of Redis answering again instead of up to 30 seconds later.
	 * Ordered first, so the application's own customizers win.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	@ConditionalOnBooleanProperty(name = "redis.patterns.cap-reconnect-delay", matchIfMissing = true)
	ClientResourcesBuilderCustomizer redisPatternsReconnectDelay(RedisPatternsProperties properties) {
		Duration max = properties.getReconnectMaxDelay();
		if (max == null || max.isNegative() || max.isZero()) {
			throw new InvalidPropertyException("redis.patterns.reconnect-max-delay", max, "must be positive");
		}
		return (builder) -> builder.reconnectDelay(Delay.exponential(Duration.ZERO, max, 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * Sentinel failovers: the client's channels are tracked so that, when the sentinels announce a new
	 * master, every connection to the old one is dropped and reconnects through Sentinel at once.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "spring.data.redis.sentinel.master")
	@ConditionalOnBooleanProperty(name = "redis.patterns.sentinel.follow-failover", matchIfMissing = true)
	static class SentinelFailoverConfiguration {

		@Bean
		RedisChannels redisPatternsChannels() {
			return new RedisChannels();
		}

		/**
		 * First, so that an application's own Netty customizer still wins (connections then move when
		 * Sentinel disconnects them).
		 */
		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		ClientResourcesBuilderCustomizer redisPatternsChannelTracking(RedisChannels channels) {
			return (builder) -> builder.nettyCustomizer(channels);
		}

		@Bean
		SentinelFailoverFollower redisPatternsSentinelFailoverFollower(RedisConnectionFactory connectionFactory,
				RedisChannels channels, RedisPatternsProperties properties) {
			Duration retry = properties.getSentinel().getResubscribeInterval();
			if (retry == null || retry.isNegative() || retry.isZero()) {
				throw new InvalidPropertyException("redis.patterns.sentinel.resubscribe-interval", retry,
						"must be positive");
			}
			return new SentinelFailoverFollower((LettuceConnectionFactory) connectionFactory, channels, retry);
		}

	}

	/**
	 * Cluster topology refresh, so failovers and slot moves heal without errors reaching the application.
	 * Starting from the options Spring Boot built from {@code spring.data.redis.lettuce.cluster.refresh.*},
	 * it changes two of Lettuce's defaults: adaptive refreshes may follow each other after
	 * {@code redis.patterns.cluster.adaptive-refresh-min-interval} (Lettuce: 5 seconds), and a periodic
	 * refresh runs every {@code redis.patterns.cluster.periodic-refresh} unless Boot's {@code refresh.period}
	 * is set (Lettuce: none). An explicit {@code spring.data.redis.lettuce.cluster.refresh.adaptive=false}
	 * (deprecated by Boot 4.1, whose Lettuce enables every adaptive trigger) switches the triggers off. Ordered
	 * first, so the application's own customizers win.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	@ConditionalOnBooleanProperty(name = "redis.patterns.cluster.adaptive-refresh", matchIfMissing = true)
	LettuceClientOptionsBuilderCustomizer redisPatternsClusterTopologyRefresh(RedisPatternsProperties properties,
			Environment environment) {
		Duration minInterval = properties.getCluster().getAdaptiveRefreshMinInterval();
		if (minInterval == null || minInterval.isNegative()) {
			throw new InvalidPropertyException("redis.patterns.cluster.adaptive-refresh-min-interval", minInterval,
					"must not be negative");
		}
		Duration periodic = properties.getCluster().getPeriodicRefresh();
		if (periodic == null || periodic.isNegative() || periodic.isZero()) {
			throw new InvalidPropertyException("redis.patterns.cluster.periodic-refresh", periodic, "must be positive");
		}
		Binder binder = Binder.get(environment);
		boolean bootPeriod = binder.bind("spring.data.redis.lettuce.cluster.refresh.period", Duration.class).isBound();
		boolean adaptive = binder.bind("spring.data.redis.lettuce.cluster.refresh.adaptive", Boolean.class)
			.orElse(true);
		return (builder) -> {
			if (builder instanceof ClusterClientOptions.Builder cluster) {
				ClusterTopologyRefreshOptions boot = cluster.build().getTopologyRefreshOptions();
				ClusterTopologyRefreshOptions.Builder refresh = ClusterTopologyRefreshOptions.builder()
					.adaptiveRefreshTriggersTimeout(minInterval)
					.dynamicRefreshSources(boot.useDynamicRefreshSources())
					.closeStaleConnections(boot.isCloseStaleConnections())
					.refreshTriggersReconnectAttempts(boot.getRefreshTriggersReconnectAttempts())
					.enablePeriodicRefresh(bootPeriod ? boot.getRefreshPeriod() : periodic);
				refresh.disableAllAdaptiveRefreshTriggers();
				if (adaptive) {
					boot.getAdaptiveRefreshTriggers()
						.forEach((trigger) -> refresh.enableAdaptiveRefreshTrigger(trigger));
				}
				cluster.topologyRefreshOptions(refresh.build());
			}
		};
	}

}
