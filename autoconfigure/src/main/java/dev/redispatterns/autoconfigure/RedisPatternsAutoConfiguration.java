package dev.redispatterns.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.Delay;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.JsonValueCodec;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.TypeAllowList;
import dev.redispatterns.core.ValueCipher;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.BackgroundWork;
import dev.redispatterns.core.internal.IdentityHasher;
import dev.redispatterns.core.internal.KeyExpressionEvaluator;
import dev.redispatterns.core.internal.RedisChannels;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.core.internal.SentinelFailoverFollower;

/**
 * Core of the starter: access to Redis through Lettuce or any connection factory, key naming, Lua script execution, the JSON value codec and
 * the key expression evaluator, shared by every feature.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.enabled", matchIfMissing = true)
@Conditional(SupportedSpringBootCondition.class)
@EnableConfigurationProperties(RedisPatternsProperties.class)
public final class RedisPatternsAutoConfiguration {

	/** Shortest identity secret, in characters. */
	static final int MIN_SECRET_LENGTH = 32;

	static final String ENCRYPTION = "redis.patterns.codec.encryption";

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
	RedisPatternsThreads redisPatternsThreads(Environment environment, ObjectProvider<TaskDecorator> taskDecorator) {
		return RedisPatternsThreads.of(environment, taskDecorator.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	RedisConnector redisPatternsConnector(RedisConnectionFactory connectionFactory, RedisPatternsProperties properties,
			RedisPatternsThreads threads) {
		Duration timeout = properties.getCommandTimeout();
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new InvalidPropertyException("redis.patterns.command-timeout", timeout, "must be positive");
		}
		return new RedisConnector(connectionFactory, timeout, threads,
				properties.getClient() == RedisPatternsProperties.Client.PORTABLE);
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

	/**
	 * Ends {@link BackgroundWork} and closes {@link RedisSignals} and {@link RedisConnector} before the
	 * connection factory stops.
	 */
	@Bean
	ConnectionsShutdown redisPatternsConnectionsShutdown(RedisConnector connector, RedisSignals signals,
			ObjectProvider<BackgroundWork> work, Environment environment) {
		Duration timeout = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		return new ConnectionsShutdown(connector.connectionFactory(), List.of(signals, connector),
				() -> work.orderedStream().toList(), timeout);
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
		List<String> types = new ArrayList<>(codec.getAllowedTypes());
		ClassLoader classLoader = RedisPatternsAutoConfiguration.class.getClassLoader();
		boolean springSecurity = codec.isSpringSecurityTypes() && SpringSecurityValueTypes.isPresent(classLoader);
		if (springSecurity) {
			types.addAll(SpringSecurityValueTypes.typeNames(classLoader));
		}
		TypeAllowList allowList = TypeAllowList.of(packages, types);
		return new JsonValueCodec(allowList, maxSize, (builder) -> {
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			if (springSecurity) {
				SpringSecurityValueTypes.addModules(builder, classLoader);
			}
		});
	}

	/**
	 * The encryption keys of {@code redis.patterns.codec.encryption.*}. Only there when keys are configured;
	 * an application may define its own {@link ValueCipher} (keys from a vault, say) instead.
	 */
	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnEncryptionKeys.class)
	ValueCipher redisPatternsValueCipher(RedisPatternsProperties properties) {
		RedisPatternsProperties.Encryption encryption = properties.getCodec().getEncryption();
		Map<String, byte[]> keys = new LinkedHashMap<>();
		encryption.getKeys().forEach((id, value) -> {
			String property = ENCRYPTION + ".keys." + id;
			try {
				ValueCipher.checkKeyId(id);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidPropertyException(property, "(not shown)", ex.getMessage());
			}
			byte[] material = decodeKey(property, value);
			if (material.length != 16 && material.length != 24 && material.length != 32) {
				throw new InvalidPropertyException(property, "(not shown)", "decodes to " + material.length
						+ " bytes; AES keys are 16, 24 or 32 random bytes in base64 (32 recommended)");
			}
			keys.put(id, material);
		});
		String active = encryption.getActiveKey();
		if (active == null || active.isBlank()) {
			if (keys.size() != 1) {
				throw new InvalidPropertyException(ENCRYPTION + ".active-key", "(not set)",
						"must name the key that encrypts new values, one of " + keys.keySet());
			}
			active = keys.keySet().iterator().next();
		}
		if (!keys.containsKey(active)) {
			throw new InvalidPropertyException(ENCRYPTION + ".active-key", active,
					"is not one of the configured keys " + keys.keySet());
		}
		return ValueCipher.aesGcm(keys, active);
	}

	private static byte[] decodeKey(String property, String value) {
		String text = (value != null) ? value.trim() : "";
		try {
			return Base64.getDecoder().decode(text);
		}
		catch (IllegalArgumentException ex) {
			try {
				return Base64.getUrlDecoder().decode(text);
			}
			catch (IllegalArgumentException notUrl) {
				throw new InvalidPropertyException(property, "(not shown)", "is not base64");
			}
		}
	}

	/**
	 * Keyed hashes for identities in key names when {@code redis.patterns.keys.hash-identities} is set, else
	 * identities as they are.
	 */
	@Bean
	@ConditionalOnMissingBean
	IdentityHasher redisPatternsIdentityHasher(RedisPatternsProperties properties) {
		RedisPatternsProperties.Keys keys = properties.getKeys();
		if (!keys.isHashIdentities()) {
			return IdentityHasher.none();
		}
		String secret = keys.getIdentitySecret();
		if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
			throw new InvalidPropertyException("redis.patterns.keys.identity-secret",
					(secret == null) ? "(not set)" : "(" + secret.length() + " characters, not shown)",
					"must be at least " + MIN_SECRET_LENGTH
							+ " random characters, the same on every instance, when redis.patterns.keys.hash-identities is true");
		}
		return IdentityHasher.hmac(secret.getBytes(StandardCharsets.UTF_8));
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
	 * Lettuce's own settings: reconnect back-off, Sentinel failover following and cluster topology refresh.
	 * Only when Lettuce is on the class path; the Sentinel follower only when the factory is Lettuce's.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RedisClient.class)
	static class LettuceConfiguration {

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
		@ConditionalOnBean(LettuceConnectionFactory.class)
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
					RedisChannels channels, RedisPatternsProperties properties, RedisPatternsThreads threads) {
				Duration retry = properties.getSentinel().getResubscribeInterval();
				if (retry == null || retry.isNegative() || retry.isZero()) {
					throw new InvalidPropertyException("redis.patterns.sentinel.resubscribe-interval", retry,
							"must be positive");
				}
				return new SentinelFailoverFollower((LettuceConnectionFactory) connectionFactory, channels, retry, threads);
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

	/** Whether {@code redis.patterns.codec.encryption.keys} holds at least one key. */
	static final class OnEncryptionKeys extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean keys = Binder.get(context.getEnvironment())
				.bind(ENCRYPTION + ".keys", Bindable.mapOf(String.class, String.class))
				.map((map) -> !map.isEmpty())
				.orElse(false);
			ConditionMessage.Builder message = ConditionMessage.forCondition("Value encryption keys");
			return keys ? ConditionOutcome.match(message.because("configured"))
					: ConditionOutcome.noMatch(message.because("none configured"));
		}

	}

	/**
	 * Masks the starter's secrets in the actuator's {@code env} and {@code configprops} endpoints even where
	 * they show values ({@code show-values: always}), which masks nothing by itself.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class SecretsSanitizingConfiguration {

		/** Property names, lower case without separators, whose values are secrets. */
		private static final List<String> SECRETS = List.of("redispatternscodecencryptionkeys",
				"redispatternskeysidentitysecret", "redispatternssessionkeyhashingsecret",
				"redispatternssessionkeyhashingprevioussecrets");

		@Bean
		SanitizingFunction redisPatternsSecretsSanitizer() {
			return SanitizingFunction.sanitizeValue().ifKeyMatches(SecretsSanitizingConfiguration::isSecret);
		}

		static boolean isSecret(String key) {
			StringBuilder canonical = new StringBuilder(key.length());
			for (int i = 0; i < key.length(); i++) {
				char c = key.charAt(i);
				if (Character.isLetterOrDigit(c)) {
					canonical.append(Character.toLowerCase(c));
				}
			}
			String name = canonical.toString();
			return SECRETS.stream().anyMatch(name::startsWith);
		}

	}

}
