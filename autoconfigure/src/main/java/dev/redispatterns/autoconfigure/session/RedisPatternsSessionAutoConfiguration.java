package dev.redispatterns.autoconfigure.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.web.server.Cookie;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.listener.Topic;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.session.IndexResolver;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.config.ConfigureNotifyKeyspaceEventsAction;
import org.springframework.session.web.http.CookieHttpSessionIdResolver;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.session.web.http.HttpSessionIdResolver;
import org.springframework.session.web.http.SessionRepositoryFilter;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCipher;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.IdentityHasher;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.AnnotatedListenerLifecycle;
import dev.redispatterns.observability.SessionMetrics;
import dev.redispatterns.session.RedisPatternsSessionRepository;
import dev.redispatterns.session.SessionLimit;
import dev.redispatterns.session.SessionListener;
import dev.redispatterns.session.UserSessions;
import dev.redispatterns.session.internal.ClusterSessionEvents;
import dev.redispatterns.session.internal.SessionIdHasher;

/**
 * Spring Session on Redis for servlet web applications: the starter's {@link RedisPatternsSessionRepository}
 * (hashed keys, JSON values, per-user index), Spring Session's filter and its session cookie. It runs
 * before Spring Boot's {@code SessionDataRedisAutoConfiguration}, which then backs off, and follows its
 * {@code spring.session.data.redis.*} properties ({@link SessionSettings}); the filter registration and
 * the cookie come from Boot's session module or {@link RedisPatternsSessionWebAutoConfiguration}. It
 * backs off as soon as the application defines its own
 * {@link SessionRepository} (for example with {@code @EnableRedisHttpSession}).
 * <p>
 * Nothing here runs {@code CONFIG}: keyspace notifications are only needed for session events, which are
 * opt-in ({@code redis.patterns.session.events.*}). On Redis Cluster those events come from every master
 * ({@link ClusterSessionEvents}), as keyspace notifications are local to the node owning the key.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class,
		beforeName = { RedisPatternsSessionAutoConfiguration.BOOT_SESSION_DATA_REDIS,
				RedisPatternsSessionAutoConfiguration.BOOT_SESSION })
@ConditionalOnClass({ RedisIndexedSessionRepository.class, SessionRepositoryFilter.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(RedisConnector.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.session.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(SessionRepository.class)
@EnableConfigurationProperties(RedisPatternsSessionProperties.class)
@Import(SpringHttpSessionConfiguration.class)
public final class RedisPatternsSessionAutoConfiguration {

	static final int MIN_SECRET_LENGTH = 32;

	static final String BOOT_SESSION_DATA_REDIS = "org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration";

	static final String BOOT_SESSION = "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration";

	private static final Log logger = LogFactory.getLog(RedisPatternsSessionAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	RedisPatternsSessionRepository sessionRepository(RedisPatternsSessionProperties properties,
			RedisConnector connector, ScriptExecutor scripts, RedisKeys keys, ValueCodec codec, Environment environment,
			ApplicationEventPublisher eventPublisher, ObjectProvider<SessionIdGenerator> idGenerator,
			ObjectProvider<IndexResolver<Session>> indexResolver, ObjectProvider<SessionListener> listeners,
			ObjectProvider<ValueCipher> cipher, ObjectProvider<IdentityHasher> identities) {
		Binder binder = Binder.get(environment);
		SessionSettings settings = new SessionSettings(properties, binder, false);
		RedisKeys namespace = settings.namespace();
		RedisPatternsSessionRepository.Builder builder = RedisPatternsSessionRepository
			.builder(connector, scripts, (namespace != null) ? namespace : keys, codec)
			.timeout(timeout(properties, environment))
			.hasher(hasher(properties.getKeyHashing()))
			.limit(limit(properties))
			.flushMode(settings.flushMode())
			.saveMode(settings.saveMode())
			.eventPublisher(eventPublisher)
			.listener(SessionListener.composite(listeners.orderedStream().toList()));
		ValueCipher encryptionKeys = cipher.getIfUnique();
		if (properties.isEncryptAttributes()) {
			if (encryptionKeys == null) {
				throw new InvalidPropertyException("redis.patterns.codec.encryption.keys", "(none)",
						"no encryption key is configured, but redis.patterns.session.encrypt-attributes is true");
			}
			builder.encryptAttributes(new EncryptingValueCodec(codec, encryptionKeys));
		}
		else if (encryptionKeys != null) {
			builder.readEncryptedAttributes(new EncryptingValueCodec(codec, encryptionKeys));
		}
		builder.identities(identities.getIfAvailable(IdentityHasher::none));
		idGenerator.ifAvailable(builder::idGenerator);
		indexResolver.ifAvailable(builder::indexResolver);
		builder.cleanupCron(SessionSettings.eventsEnabled(binder) ? settings.cleanupCron() : Scheduled.CRON_DISABLED);
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	UserSessions userSessions(RedisPatternsSessionRepository repository) {
		return new UserSessions(repository);
	}

	/**
	 * {@code redis.patterns.session.timeout}, else Spring Boot's {@code spring.session.timeout}, else
	 * {@code server.servlet.session.timeout}, else 30 minutes. Boot reads both of its properties in seconds
	 * when no unit is given; so does this.
	 */
	static Duration timeout(RedisPatternsSessionProperties properties, Environment environment) {
		if (properties.getTimeout() != null) {
			return checkTimeout("redis.patterns.session.timeout", properties.getTimeout());
		}
		for (String property : List.of("spring.session.timeout", "server.servlet.session.timeout")) {
			String value = environment.getProperty(property);
			if (value != null && !value.isBlank()) {
				Duration timeout;
				try {
					timeout = DurationStyle.detectAndParse(value.trim(), ChronoUnit.SECONDS);
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidPropertyException(property, value, "not a duration");
				}
				return checkTimeout(property, timeout);
			}
		}
		return Duration.ofMinutes(30);
	}

	private static Duration checkTimeout(String property, Duration timeout) {
		if (timeout.isZero() || (!timeout.isNegative() && timeout.toMillis() < 1000)) {
			throw new InvalidPropertyException(property, timeout,
					"must be at least 1s (Spring Session counts in seconds), or negative for sessions that never expire");
		}
		return timeout;
	}

	static SessionIdHasher hasher(RedisPatternsSessionProperties.KeyHashing hashing) {
		if (!hashing.isEnabled()) {
			logger.warn("redis.patterns.session.key-hashing.enabled=false: sessions are stored under their raw ids, "
					+ "so anyone who can read Redis can take over live sessions");
			return SessionIdHasher.none();
		}
		String secret = hashing.getSecret();
		if (secret == null || secret.isEmpty()) {
			logger.warn("redis.patterns.session.key-hashing.secret is not set: session keys are a one-way hash of the "
					+ "session id, so reading Redis does not reveal live session ids, but the hash is not keyed. Set a "
					+ "secret of at least " + MIN_SECRET_LENGTH + " random characters, the same on every instance");
		}
		else {
			checkSecret("redis.patterns.session.key-hashing.secret", secret);
		}
		List<byte[]> previous = new ArrayList<>();
		List<String> previousSecrets = hashing.getPreviousSecrets();
		for (int i = 0; i < previousSecrets.size(); i++) {
			checkSecret("redis.patterns.session.key-hashing.previous-secrets[" + i + "]", previousSecrets.get(i));
			previous.add(previousSecrets.get(i).getBytes(StandardCharsets.UTF_8));
		}
		return SessionIdHasher.hmac((secret != null && !secret.isEmpty()) ? secret.getBytes(StandardCharsets.UTF_8) : null,
				previous, hashing.isAcceptUnhashed());
	}

	private static void checkSecret(String property, String secret) {
		if (secret.length() < MIN_SECRET_LENGTH) {
			throw new InvalidPropertyException(property, "(" + secret.length() + " characters, not shown)",
					"must be at least " + MIN_SECRET_LENGTH + " characters");
		}
	}

	static SessionLimit limit(RedisPatternsSessionProperties properties) {
		if (properties.getMaxSessionsPerUser() < 0) {
			throw new InvalidPropertyException("redis.patterns.session.max-sessions-per-user",
					properties.getMaxSessionsPerUser(), "must be 0 (no limit) or positive");
		}
		return new SessionLimit(properties.getMaxSessionsPerUser(), properties.getWhenLimitExceeded());
	}

	/**
	 * Session events, opt-in ({@code redis.patterns.session.events.enabled}, or Boot's
	 * {@code spring.session.data.redis.repository-type=indexed}): they need keyspace notifications, which
	 * managed Redis often leaves off.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(SessionEventsCondition.class)
	static class SessionEventsConfiguration {

		@Bean
		@ConditionalOnMissingBean(RedisMessageListenerContainer.class)
		RedisMessageListenerContainer redisPatternsSessionEventsContainer(RedisConnectionFactory connectionFactory) {
			RedisMessageListenerContainer container = new RedisMessageListenerContainer();
			container.setConnectionFactory(connectionFactory);
			return container;
		}

		@Bean
		SessionEventsSubscription redisPatternsSessionEventsSubscription(RedisPatternsSessionProperties properties,
				RedisPatternsSessionRepository repository, RedisConnector connector, RedisSignals signals,
				RedisConnectionFactory connectionFactory, ObjectProvider<RedisMessageListenerContainer> containers,
				Environment environment) {
			Binder binder = Binder.get(environment);
			boolean configure = new SessionSettings(properties, binder, false).configureKeyspaceNotifications();
			if (connector.isCluster()) {
				if (!connector.isNative()) {
					throw clusterEventsNeedLettuce(binder);
				}
				// keyspace notifications are per node: every master is subscribed (and configured)
				return new SessionEventsSubscription(
						() -> new ClusterSessionEvents(connector, signals, repository, configure));
			}
			RedisMessageListenerContainer container = containers.getIfUnique();
			if (container == null) {
				container = containers.getObject();
			}
			return new SessionEventsSubscription(container, repository, configure ? connectionFactory : null);
		}

	}

	/**
	 * Cluster keyspace events need a pub/sub connection to every master, which only Lettuce gives: names the
	 * property that turned the events on.
	 */
	static InvalidPropertyException clusterEventsNeedLettuce(Binder binder) {
		String reason = "session events on Redis Cluster need Lettuce (a pub/sub connection to every master), but "
				+ "Redis Patterns runs in portable mode; use spring.data.redis.client-type=lettuce with "
				+ "redis.patterns.client=auto, or turn session events off";
		Boolean enabled = binder.bind(SessionSettings.PREFIX + "events.enabled", Boolean.class).orElse(null);
		if (enabled != null) {
			return new InvalidPropertyException(SessionSettings.PREFIX + "events.enabled", enabled, reason);
		}
		return new InvalidPropertyException(SessionSettings.BOOT + "repository-type",
				binder.bind(SessionSettings.BOOT + "repository-type", String.class).orElse("indexed"), reason);
	}

	static class SessionEventsCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean enabled = SessionSettings.eventsEnabled(Binder.get(context.getEnvironment()));
			ConditionMessage.Builder message = ConditionMessage.forCondition("Session events");
			return enabled ? ConditionOutcome.match(message.because("enabled"))
					: ConditionOutcome.noMatch(message.because("not enabled"));
		}

	}

	/**
	 * Keeps the repository subscribed to the session event channels while the context runs. Creating it runs
	 * nothing: the repository is registered with the listener container before the container starts (a
	 * listener added to a running container subscribes on its own, which the portable path does not wait
	 * for), and keyspace notifications are configured, or every master subscribed on Redis Cluster, when the
	 * context starts. It starts before the listener container and with the annotated listeners, after the
	 * connection factory, and its cluster subscriber stops before the connections close, so no event is
	 * handled by a context that is shutting down.
	 */
	static final class SessionEventsSubscription implements InitializingBean, DisposableBean, SmartLifecycle {

		private final @Nullable RedisMessageListenerContainer container;

		private final @Nullable RedisPatternsSessionRepository repository;

		/** Runs {@code CONFIG SET notify-keyspace-events} at start when set. */
		private final @Nullable RedisConnectionFactory configure;

		private final @Nullable Supplier<ClusterSessionEvents> clusterEventsFactory;

		private volatile @Nullable ClusterSessionEvents clusterEvents;

		private volatile boolean running;

		SessionEventsSubscription(RedisMessageListenerContainer container, RedisPatternsSessionRepository repository,
				@Nullable RedisConnectionFactory configure) {
			this.container = container;
			this.repository = repository;
			this.configure = configure;
			this.clusterEventsFactory = null;
		}

		SessionEventsSubscription(Supplier<ClusterSessionEvents> clusterEvents) {
			this.container = null;
			this.repository = null;
			this.configure = null;
			this.clusterEventsFactory = clusterEvents;
		}

		@Override
		public void afterPropertiesSet() {
			if (this.container != null && this.repository != null) {
				List<Topic> topics = new ArrayList<>();
				this.repository.eventChannels().forEach((channel) -> topics.add(new ChannelTopic(channel)));
				topics.add(new PatternTopic(this.repository.createdEventPattern()));
				this.container.addMessageListener(this.repository, topics);
			}
		}

		@Override
		public void start() {
			if (this.running) {
				return;
			}
			if (this.configure != null) {
				try (RedisConnection connection = this.configure.getConnection()) {
					new ConfigureNotifyKeyspaceEventsAction().configure(connection);
				}
			}
			if (this.clusterEventsFactory != null) {
				// a closed subscriber does not start again: a restart gets a new one
				ClusterSessionEvents events = this.clusterEventsFactory.get();
				events.start();
				this.clusterEvents = events;
			}
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			ClusterSessionEvents events = this.clusterEvents;
			this.clusterEvents = null;
			if (events != null) {
				events.close();
			}
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return AnnotatedListenerLifecycle.PHASE;
		}

		@Override
		public void destroy() {
			if (this.container != null && this.repository != null) {
				this.container.removeMessageListener(this.repository);
			}
			stop();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class SessionMetricsConfiguration {

		/** Created when the context has a meter registry, whatever the order of auto-configurations. */
		@Bean
		@ConditionalOnMissingBean(SessionMetrics.class)
		SessionListener redisPatternsSessionMetrics(ObjectProvider<MeterRegistry> registry,
				ObjectProvider<RedisPatternsSessionRepository> repository) {
			MeterRegistry meterRegistry = registry.getIfUnique();
			if (meterRegistry == null) {
				return SessionListener.NONE;
			}
			return new SessionMetrics(meterRegistry, () -> repository.getObject().activeSessions());
		}

	}

}
