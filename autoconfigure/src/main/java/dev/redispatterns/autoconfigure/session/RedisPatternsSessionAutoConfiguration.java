package dev.redispatterns.autoconfigure.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.web.server.Cookie;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
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
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisKeys;
import dev.redispatterns.core.ScriptExecutor;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.observability.SessionMetrics;
import dev.redispatterns.session.ClusterSessionEvents;
import dev.redispatterns.session.RedisPatternsSessionRepository;
import dev.redispatterns.session.SessionEventListener;
import dev.redispatterns.session.SessionIdHasher;
import dev.redispatterns.session.SessionLimit;
import dev.redispatterns.session.UserSessions;

/**
 * Spring Session on Redis for servlet web applications: the starter's {@link RedisPatternsSessionRepository}
 * (hashed keys, JSON values, per-user index), Spring Session's filter and its session cookie. Spring
 * Boot's own session auto-configuration modules are not published for this Boot version, so this class
 * takes their place; it backs off as soon as the application defines its own {@link SessionRepository}
 * (for example with {@code @EnableRedisHttpSession}).
 * <p>
 * Nothing here runs {@code CONFIG}: keyspace notifications are only needed for session events, which are
 * opt-in ({@code redis.patterns.session.events.*}). On Redis Cluster those events come from every master
 * ({@link ClusterSessionEvents}), as keyspace notifications are local to the node owning the key.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class)
@ConditionalOnClass({ RedisIndexedSessionRepository.class, SessionRepositoryFilter.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(RedisConnector.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.session.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(SessionRepository.class)
@EnableConfigurationProperties(RedisPatternsSessionProperties.class)
@Import(SpringHttpSessionConfiguration.class)
public final class RedisPatternsSessionAutoConfiguration {

	static final int MIN_SECRET_LENGTH = 32;

	private static final Log logger = LogFactory.getLog(RedisPatternsSessionAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	RedisPatternsSessionRepository sessionRepository(RedisPatternsSessionProperties properties,
			RedisConnector connector, ScriptExecutor scripts, RedisKeys keys, ValueCodec codec, Environment environment,
			ApplicationEventPublisher eventPublisher, ObjectProvider<SessionIdGenerator> idGenerator,
			ObjectProvider<IndexResolver<Session>> indexResolver, ObjectProvider<SessionEventListener> listeners) {
		RedisPatternsSessionRepository.Builder builder = RedisPatternsSessionRepository
			.builder(connector, scripts, keys, codec)
			.timeout(timeout(properties, environment))
			.hasher(hasher(properties.getKeyHashing()))
			.limit(limit(properties))
			.flushMode(properties.getFlushMode())
			.saveMode(properties.getSaveMode())
			.eventPublisher(eventPublisher)
			.listener(SessionEventListener.composite(listeners.orderedStream().toList()));
		idGenerator.ifAvailable(builder::idGenerator);
		indexResolver.ifAvailable(builder::indexResolver);
		RedisPatternsSessionProperties.Events events = properties.getEvents();
		builder.cleanupCron(events.isEnabled() ? events.getCleanupCron() : Scheduled.CRON_DISABLED);
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	UserSessions userSessions(RedisPatternsSessionRepository repository) {
		return new UserSessions(repository);
	}

	@Bean
	@ConditionalOnMissingBean(name = "sessionRepositoryFilterRegistration")
	DelegatingFilterProxyRegistrationBean sessionRepositoryFilterRegistration(RedisPatternsSessionProperties properties,
			ListableBeanFactory beanFactory) {
		String[] filters = beanFactory.getBeanNamesForType(SessionRepositoryFilter.class, false, false);
		if (filters.length != 1) {
			throw new IllegalStateException("Expected a single SessionRepositoryFilter bean, found " + filters.length);
		}
		DelegatingFilterProxyRegistrationBean registration = new DelegatingFilterProxyRegistrationBean(filters[0]);
		registration.setDispatcherTypes(properties.getServlet()
			.getFilterDispatcherTypes()
			.stream()
			.map((type) -> DispatcherType.valueOf(type.name()))
			.collect(Collectors.toCollection(() -> EnumSet.noneOf(DispatcherType.class))));
		registration.setOrder(properties.getServlet().getFilterOrder());
		return registration;
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

	/** The session cookie from {@code server.servlet.session.cookie.*}, as Spring Boot's session support does. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Cookie.class)
	static class SessionCookieConfiguration {

		@Bean
		@Conditional(DefaultCookieSerializerCondition.class)
		DefaultCookieSerializer cookieSerializer(Environment environment) {
			Cookie cookie = Binder.get(environment)
				.bind("server.servlet.session.cookie", Cookie.class)
				.orElseGet(Cookie::new);
			DefaultCookieSerializer serializer = new DefaultCookieSerializer();
			PropertyMapper map = PropertyMapper.get();
			map.from(cookie::getName).to(serializer::setCookieName);
			map.from(cookie::getDomain).to(serializer::setDomainName);
			map.from(cookie::getPath).to(serializer::setCookiePath);
			map.from(cookie::getHttpOnly).to(serializer::setUseHttpOnlyCookie);
			map.from(cookie::getSecure).to(serializer::setUseSecureCookie);
			map.from(cookie::getMaxAge).as(Duration::getSeconds).as(Math::toIntExact).to(serializer::setCookieMaxAge);
			map.from(cookie::getSameSite).as(Cookie.SameSite::attributeValue).to(serializer::setSameSite);
			map.from(cookie::getPartitioned).to(serializer::setPartitioned);
			return serializer;
		}

	}

	/**
	 * A cookie serializer is needed when the application defined neither a session id resolver nor a
	 * serializer, or only a cookie-based resolver.
	 */
	static class DefaultCookieSerializerCondition extends AnyNestedCondition {

		DefaultCookieSerializerCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnMissingBean({ HttpSessionIdResolver.class, CookieSerializer.class })
		static class NoComponentsAvailable {

		}

		@ConditionalOnBean(CookieHttpSessionIdResolver.class)
		@ConditionalOnMissingBean(CookieSerializer.class)
		static class CookieHttpSessionIdResolverAvailable {

		}

	}

	/** Session events, opt-in: they need keyspace notifications, which managed Redis often leaves off. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("redis.patterns.session.events.enabled")
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
				RedisPatternsSessionRepository repository, RedisConnector connector,
				RedisConnectionFactory connectionFactory, ObjectProvider<RedisMessageListenerContainer> containers) {
			boolean configure = properties.getEvents().isConfigureKeyspaceNotifications();
			if (connector.isCluster()) {
				// keyspace notifications are per node: every master is subscribed (and configured)
				ClusterSessionEvents events = new ClusterSessionEvents(connector, repository, configure);
				events.start();
				return new SessionEventsSubscription(events);
			}
			if (configure) {
				try (RedisConnection connection = connectionFactory.getConnection()) {
					new ConfigureNotifyKeyspaceEventsAction().configure(connection);
				}
			}
			RedisMessageListenerContainer container = containers.getIfUnique();
			if (container == null) {
				container = containers.getObject();
			}
			return new SessionEventsSubscription(container, repository);
		}

	}

	/**
	 * Keeps the repository subscribed to the session event channels for the context's lifetime. The cluster
	 * subscriber is stopped with the other lifecycle beans when the context closes, so no event is handled
	 * by a context that is shutting down.
	 */
	static final class SessionEventsSubscription implements DisposableBean, SmartLifecycle {

		private final @Nullable RedisMessageListenerContainer container;

		private final @Nullable RedisPatternsSessionRepository repository;

		private final @Nullable ClusterSessionEvents clusterEvents;

		SessionEventsSubscription(RedisMessageListenerContainer container, RedisPatternsSessionRepository repository) {
			this.container = container;
			this.repository = repository;
			this.clusterEvents = null;
			List<Topic> topics = new ArrayList<>();
			repository.eventChannels().forEach((channel) -> topics.add(new ChannelTopic(channel)));
			topics.add(new PatternTopic(repository.createdEventPattern()));
			container.addMessageListener(repository, topics);
		}

		SessionEventsSubscription(ClusterSessionEvents clusterEvents) {
			this.container = null;
			this.repository = null;
			this.clusterEvents = clusterEvents;
		}

		@Override
		public void start() {
			// subscribed when created
		}

		@Override
		public void stop() {
			if (this.clusterEvents != null) {
				this.clusterEvents.close();
			}
		}

		@Override
		public boolean isRunning() {
			return this.clusterEvents != null && this.clusterEvents.isRunning();
		}

		@Override
		public void destroy() {
			if (this.container != null && this.repository != null) {
				this.container.removeMessageListener(this.repository);
			}
			if (this.clusterEvents != null) {
				this.clusterEvents.close();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class SessionMetricsConfiguration {

		/** Created when the context has a meter registry, whatever the order of auto-configurations. */
		@Bean
		@ConditionalOnMissingBean(SessionMetrics.class)
		SessionEventListener redisPatternsSessionMetrics(ObjectProvider<MeterRegistry> registry,
				ObjectProvider<RedisPatternsSessionRepository> repository) {
			MeterRegistry meterRegistry = registry.getIfUnique();
			if (meterRegistry == null) {
				return SessionEventListener.NONE;
			}
			return new SessionMetrics(meterRegistry, () -> repository.getObject().activeSessions());
		}

	}

}
