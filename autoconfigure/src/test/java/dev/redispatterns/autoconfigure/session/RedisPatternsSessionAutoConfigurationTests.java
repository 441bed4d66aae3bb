package dev.redispatterns.autoconfigure.session;

import java.time.Duration;
import java.util.EnumSet;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.session.web.http.SessionRepositoryFilter;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.observability.SessionMetrics;
import dev.redispatterns.session.RedisPatternsSession;
import dev.redispatterns.session.RedisPatternsSessionRepository;
import dev.redispatterns.session.UserSessions;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class RedisPatternsSessionAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(DataRedisAutoConfiguration.class,
			RedisPatternsAutoConfiguration.class, RedisPatternsSessionAutoConfiguration.class,
					RedisPatternsSessionWebAutoConfiguration.class);

	private final WebApplicationContextRunner runner;

	private final RedisDeployment redis;

	RedisPatternsSessionAutoConfigurationTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void servletApplicationsGetRedisSessionsWithTheFilterAndCookie() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RedisPatternsSessionRepository.class)
				.hasSingleBean(SessionRepository.class)
				.hasSingleBean(UserSessions.class)
				.hasSingleBean(SessionRepositoryFilter.class)
				.hasSingleBean(DefaultCookieSerializer.class);
			DelegatingFilterProxyRegistrationBean registration = context
				.getBean(DelegatingFilterProxyRegistrationBean.class);
			assertThat(registration.getOrder()).isEqualTo(SessionRepositoryFilter.DEFAULT_ORDER);
			assertThat(registration.determineDispatcherTypes()).isEqualTo(
					EnumSet.of(DispatcherType.ASYNC, DispatcherType.ERROR, DispatcherType.REQUEST));
		});
	}

	@Test
	void backsOffOutsideWebApplications() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(this.redis.springProperties())
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SessionRepository.class));
	}

	@Test
	void backsOffWhenSwitchedOff() {
		this.runner.withPropertyValues("redis.patterns.session.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SessionRepository.class)
				.doesNotHaveBean(SessionRepositoryFilter.class));
	}

	@Test
	void backsOffWithoutSpringSessionDataRedis() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisIndexedSessionRepository.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SessionRepository.class));
	}

	@Test
	void backsOffWithoutRedis() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPatternsAutoConfiguration.class,
					RedisPatternsSessionAutoConfiguration.class,
					RedisPatternsSessionWebAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SessionRepository.class));
	}

	@Test
	void backsOffWhenTheApplicationConfiguresItsOwnSessionRepository() {
		this.runner.withBean(MapSessionRepository.class, () -> new MapSessionRepository(new java.util.HashMap<>()))
			.run((context) -> assertThat(context).hasSingleBean(SessionRepository.class)
				.doesNotHaveBean(RedisPatternsSessionRepository.class)
				.doesNotHaveBean(UserSessions.class));
	}

	@Test
	void timeoutIsThirtyMinutesByDefault() {
		this.runner.run((context) -> assertThat(timeout(context)).isEqualTo(Duration.ofMinutes(30)));
	}

	@Test
	void starterTimeoutWinsOverSpringBootsSessionProperties() {
		this.runner
			.withPropertyValues("redis.patterns.session.timeout=5m", "spring.session.timeout=10m",
					"server.servlet.session.timeout=20m")
			.run((context) -> assertThat(timeout(context)).isEqualTo(Duration.ofMinutes(5)));
	}

	@Test
	void springSessionTimeoutWinsOverTheServletTimeout() {
		this.runner.withPropertyValues("spring.session.timeout=90", "server.servlet.session.timeout=20m")
			.run((context) -> assertThat(timeout(context)).as("unitless means seconds, as in Spring Boot")
				.isEqualTo(Duration.ofSeconds(90)));
	}

	@Test
	void servletTimeoutIsUsedWhenNothingElseIsSet() {
		this.runner.withPropertyValues("server.servlet.session.timeout=20m")
			.run((context) -> assertThat(timeout(context)).isEqualTo(Duration.ofMinutes(20)));
	}

	@Test
	void invalidSettingsFailStartUpNamingTheProperty() {
		assertFailure("redis.patterns.session.timeout=0s", "redis.patterns.session.timeout");
		assertFailure("spring.session.timeout=soon", "spring.session.timeout");
		assertFailure("redis.patterns.session.key-hashing.secret=too-short", "redis.patterns.session.key-hashing.secret");
		assertFailure("redis.patterns.session.key-hashing.previous-secrets=short",
				"redis.patterns.session.key-hashing.previous-secrets[0]");
		assertFailure("redis.patterns.session.max-sessions-per-user=-1", "redis.patterns.session.max-sessions-per-user");
	}

	@Test
	void secretsNeverAppearInErrorMessages() {
		this.runner.withPropertyValues("redis.patterns.session.key-hashing.secret=hunter2").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("hunter2");
		});
	}

	@Test
	void sessionCookieFollowsSpringBootsCookieProperties() {
		this.runner
			.withPropertyValues("server.servlet.session.cookie.name=SID", "server.servlet.session.cookie.same-site=strict",
					"server.servlet.session.cookie.secure=true", "server.servlet.session.cookie.path=/app")
			.run((context) -> {
				MockHttpServletResponse response = new MockHttpServletResponse();
				context.getBean(DefaultCookieSerializer.class)
					.writeCookieValue(new CookieSerializer.CookieValue(new MockHttpServletRequest(), response, "abc"));
				assertThat(response.getHeader("Set-Cookie")).startsWith("SID=")
					.contains("Path=/app")
					.contains("Secure")
					.contains("HttpOnly")
					.contains("SameSite=Strict");
			});
	}

	@Test
	void applicationSessionIdGeneratorIsUsed() {
		this.runner.withBean(SessionIdGenerator.class, () -> () -> "fixed-id-" + System.nanoTime()).run((context) -> {
			RedisPatternsSession session = context.getBean(RedisPatternsSessionRepository.class).createSession();
			assertThat(session.getId()).startsWith("fixed-id-");
			assertThat(session.handle()).doesNotContain("fixed-id-");
		});
	}

	@Test
	void filterRegistrationIsConfigurable() {
		this.runner
			.withPropertyValues("redis.patterns.session.servlet.filter-order=5",
					"redis.patterns.session.servlet.filter-dispatcher-types=request")
			.run((context) -> {
				DelegatingFilterProxyRegistrationBean registration = context
					.getBean(DelegatingFilterProxyRegistrationBean.class);
				assertThat(registration.getOrder()).isEqualTo(5);
				assertThat(registration.determineDispatcherTypes()).containsExactly(DispatcherType.REQUEST);
			});
	}

	@Test
	void metricsAreRegisteredWhenThereIsAMeterRegistry() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(SessionMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(RedisPatternsSessionRepository.class).createSession();
			assertThat(registry.get(SessionMetrics.CREATIONS).counter().count()).isEqualTo(1.0);
			assertThat(registry.find(SessionMetrics.ACTIVE).gauge()).isNotNull();
			assertThat(registry.get(SessionMetrics.REVOCATIONS).counters()).hasSize(4);
			assertThat(registry.get(SessionMetrics.REFUSALS).counters()).hasSize(5);
		});
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(SessionMetrics.class));
	}

	@Test
	void filterOrderDefaultIsSpringSessions() {
		assertThat(new RedisPatternsSessionProperties().getServlet().getFilterOrder())
			.isEqualTo(SessionRepositoryFilter.DEFAULT_ORDER);
	}

	private void assertFailure(String property, String named) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'" + named + "'");
		});
	}

	private static Duration timeout(org.springframework.context.ApplicationContext context) {
		return context.getBean(RedisPatternsSessionRepository.class).createSession().getMaxInactiveInterval();
	}

}
