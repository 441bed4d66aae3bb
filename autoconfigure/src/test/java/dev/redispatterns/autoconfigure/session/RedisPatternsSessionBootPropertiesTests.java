package dev.redispatterns.autoconfigure.session;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.session.SessionRepository;
import org.springframework.session.web.http.DefaultCookieSerializer;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.session.RedisPatternsSession;
import dev.redispatterns.session.RedisPatternsSessionRepository;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's session settings ({@code spring.session.*}) and Boot's own session auto-configurations,
 * present or not, as the starter's session support follows them.
 */
@RedisTest
class RedisPatternsSessionBootPropertiesTests {

	private static final AutoConfigurations STARTER = AutoConfigurations.of(DataRedisAutoConfiguration.class,
			RedisPatternsAutoConfiguration.class, RedisPatternsSessionAutoConfiguration.class,
			RedisPatternsSessionWebAutoConfiguration.class);

	private final RedisDeployment redis;

	/** The starter with Spring Boot's session modules, listed first to show the order does not matter. */
	private final WebApplicationContextRunner withBoot;

	/** The starter alone, Boot's session modules hidden from the class path. */
	private final WebApplicationContextRunner withoutBoot;

	RedisPatternsSessionBootPropertiesTests(RedisDeployment redis) {
		this.redis = redis;
		this.withBoot = new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SessionAutoConfiguration.class, SessionDataRedisAutoConfiguration.class))
			.withConfiguration(STARTER)
			.withPropertyValues(redis.springProperties());
		this.withoutBoot = new WebApplicationContextRunner()
			.withClassLoader(new FilteredClassLoader(SessionAutoConfiguration.class, SessionDataRedisAutoConfiguration.class))
			.withConfiguration(STARTER)
			.withPropertyValues(redis.springProperties());
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void withSpringBootsSessionModulesTheStartersRepositoryIsTheOnlyOne() {
		this.withBoot.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(SessionRepository.class)
				.hasSingleBean(RedisPatternsSessionRepository.class)
				.hasSingleBean(DelegatingFilterProxyRegistrationBean.class)
				.hasSingleBean(DefaultCookieSerializer.class);
			assertThat(context.getBean(SessionRepository.class)).isInstanceOf(RedisPatternsSessionRepository.class);
		});
	}

	@Test
	void withoutSpringBootsSessionModulesTheStarterRegistersTheFilterAndCookie() {
		this.withoutBoot.withPropertyValues("spring.session.servlet.filter-order=-5").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(RedisPatternsSessionRepository.class)
				.hasSingleBean(DefaultCookieSerializer.class);
			assertThat(context.getBean(DelegatingFilterProxyRegistrationBean.class).getOrder()).isEqualTo(-5);
		});
		this.withoutBoot
			.withPropertyValues("spring.session.servlet.filter-order=-5", "redis.patterns.session.servlet.filter-order=-7")
			.run((context) -> assertThat(context.getBean(DelegatingFilterProxyRegistrationBean.class).getOrder())
				.isEqualTo(-7));
	}

	@Test
	void namespaceAndFlushModeFromSpringBoot() {
		this.withBoot.withPropertyValues("spring.session.data.redis.namespace=shop:sessions",
				"spring.session.data.redis.flush-mode=immediate").run((context) -> {
					RedisPatternsSessionRepository repository = context.getBean(RedisPatternsSessionRepository.class);
					RedisPatternsSession session = repository.createSession();
					session.setAttribute("cart", "3 items");
					assertThat(repository.findById(session.getId())).as("flushed without save()").isNotNull();
					assertThat((List<?>) this.redis.command("KEYS", "shop:sessions:*")).isNotEmpty();
					assertThat((List<?>) this.redis.command("KEYS", "rp:*")).isEmpty();
				});
	}

	@Test
	void theStartersOwnSessionPropertiesWin() {
		this.withBoot.withPropertyValues("spring.session.data.redis.flush-mode=immediate",
				"redis.patterns.session.flush-mode=on-save").run((context) -> {
					RedisPatternsSessionRepository repository = context.getBean(RedisPatternsSessionRepository.class);
					RedisPatternsSession session = repository.createSession();
					session.setAttribute("cart", "3 items");
					assertThat(repository.findById(session.getId())).as("written on save() only").isNull();
				});
	}

	@Test
	void indexedRepositoryTypeSwitchesSessionEventsOn() {
		this.withBoot.withPropertyValues("spring.session.data.redis.repository-type=indexed")
			.run((context) -> assertThat(context)
				.hasBean("redisPatternsSessionEventsSubscription"));
		this.withBoot
			.withPropertyValues("spring.session.data.redis.repository-type=indexed",
					"redis.patterns.session.events.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("redisPatternsSessionEventsSubscription"));
		this.withBoot.run((context) -> assertThat(context).doesNotHaveBean("redisPatternsSessionEventsSubscription"));
	}

	@Test
	void settingsTheStarterCannotHonourFailTheStartNamingTheProperty() {
		this.withBoot.withPropertyValues("spring.session.data.redis.cleanup-cron=0 * * * * *").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("'spring.session.data.redis.cleanup-cron'");
		});
		this.withBoot.withPropertyValues("redis.patterns.session.servlet.filter-order=-7").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'redis.patterns.session.servlet.filter-order'")
				.hasMessageContaining("spring.session.servlet.filter-order");
		});
	}

}
