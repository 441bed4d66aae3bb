package dev.redispatterns.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import tools.jackson.databind.json.JsonMapper;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionWebAutoConfiguration;
import dev.redispatterns.autoconfigure.structures.RedisPatternsStructuresAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockNotAcquiredException;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.observability.internal.RedisPatternsHealthIndicator;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.session.UserSessions;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A web application signs users in, stores, tampers with and evicts sessions, uses every other feature and
 * goes through a Redis outage, with the starter and Spring Session logging at their most verbose, with
 * encryption and hashed identities on. Neither the Redis password, the encryption key, the identity and
 * session secrets nor any session id (raw or as the cookie carries it) appears in the log, in any meter
 * (name, tag or description), in the health details or in the actuator's configprops and env endpoints,
 * even set to show values.
 */
@ExtendWith(OutputCaptureExtension.class)
@Tag("redis")
class SecretsNotExposedTests {

	private static final String PASSWORD = "Zx81-redis-password-never-printed";

	private static final String ENCRYPTION_KEY = Base64.getEncoder()
		.encodeToString("32-byte-value-key-never-printed!".getBytes(StandardCharsets.US_ASCII));

	private static final String IDENTITY_SECRET = "identity-secret-of-the-test-never-printed";

	private static final String SESSION_SECRET = "secret-of-the-test-0123456789abcdef";

	private static final List<String> VERBOSE = List.of("dev.redispatterns", "org.springframework.session",
			"org.springframework.data.redis");

	private final Map<String, Level> levels = new HashMap<>();

	@AfterEach
	void restoreLevels() {
		this.levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
	}

	private void verbose() {
		for (String name : VERBOSE) {
			Logger logger = (Logger) LoggerFactory.getLogger(name);
			this.levels.put(name, logger.getLevel());
			logger.setLevel(Level.TRACE);
		}
	}

	@Test
	void neitherThePasswordNorSessionIdsReachLogsMetricsOrHealth(CapturedOutput output) throws Exception {
		try (RedisServerProcess redis = RedisServerProcess.start(); FaultyProxy proxy = FaultyProxy.to(redis)) {
			redis.command("ACL", "SETUSER", "app", "on", ">" + PASSWORD, "~*", "&*", "+@all");
			verbose();
			List<String> secrets = new ArrayList<>();
			secrets.add(PASSWORD);
			List<String> exposed = new ArrayList<>();
			// the Redis password is Spring Boot's property: shown by Boot's endpoints set to show values
			List<String> endpoints = new ArrayList<>();
			runner(proxy).run((context) -> {
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context)
					.addFilters(context.getBean(SessionRepositoryFilter.class))
					.build();
				List<Browser> browsers = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					Browser browser = new Browser();
					secrets.add(browser.post(mvc, "/signin", "user", "ann"));
					secrets.add(browser.cookie);
					browser.post(mvc, "/note", "value", "n" + i);
					browsers.add(browser);
				}
				assertThat(browsers.get(0).get(mvc, "/note")).as("evicted by the session limit").isEqualTo("none");
				assertThat(browsers.get(2).get(mvc, "/note")).isEqualTo("n2");
				String tampered = context.getBean(RedisPatternsSessionRepositoryAccess.class).storageKey(secrets.get(5));
				redis.command("HSET", tampered, "sessionAttr:note", "{\"@class\":\"gadget.Gadget\"}");
				assertThat(browsers.get(2).get(mvc, "/note")).as("tampered session ignored").isEqualTo("none");

				context.getBean(CatalogService.class).value("x");
				context.getBean(RateLimiter.class).tryAcquire("open", "ann");
				context.getBean(LockManager.class).tryLock("ann", Duration.ofSeconds(1), null).ifPresent(LockHandle::unlock);
				proxy.refuse();
				context.getBean(CatalogService.class).value("y");
				context.getBean(RateLimiter.class).tryAcquire("closed", "ann");
				try {
					context.getBean(LockManager.class).lock("ann", new LockRequest(Duration.ZERO, null, "x"));
				}
				catch (LockNotAcquiredException ex) {
					// fails closed, as it should
				}
				Browser during = new Browser();
				during.cookie = browsers.get(1).cookie;
				try {
					during.get(mvc, "/note");
				}
				catch (RuntimeException ex) {
					exposed.add(String.valueOf(ex));
				}
				exposed.add(new RedisPatternsHealthIndicator(context.getBean(RedisConnector.class), true).health()
					.toString());
				proxy.heal();
				FeatureTour.await("Redis back", () -> context.getBean(RedisConnector.class).isConnected());
				exposed.add(new RedisPatternsHealthIndicator(context.getBean(RedisConnector.class), true).health()
					.toString());
				for (Meter meter : context.getBean(MeterRegistry.class).getMeters()) {
					exposed.add(meter.getId().toString() + " " + meter.getId().getDescription());
				}
				JsonMapper json = JsonMapper.builder().build();
				String configprops = json.writeValueAsString(
						context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
				String env = json.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
				assertThat(configprops).as("values are shown").contains("gcra").contains("\"******\"");
				assertThat(env).as("values are shown").contains("redis.patterns.codec.encryption.keys.k1")
					.contains("redis.patterns.rate-limit.policies.open.limit");
				endpoints.add(configprops);
				endpoints.add(env);
			});
			secrets.addAll(List.of(ENCRYPTION_KEY, IDENTITY_SECRET, SESSION_SECRET));
			assertThat(secrets).hasSize(10).doesNotContainNull();
			assertThat(exposed).as("meters and health").isNotEmpty();
			assertThat(output.getAll()).as("the log").contains("Ignoring a stored session");
			for (String secret : secrets) {
				String decoded = decodedCookie(secret);
				assertThat(output.getAll()).as("the log").doesNotContain(secret).doesNotContain(decoded);
				for (String text : exposed) {
					assertThat(text).doesNotContain(secret).doesNotContain(decoded);
				}
				for (String text : endpoints) {
					if (!secret.equals(PASSWORD)) {
						assertThat(text).as("configprops and env").doesNotContain(secret).doesNotContain(decoded);
					}
				}
			}
		}
	}

	private static String decodedCookie(String value) {
		try {
			return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return value;
		}
	}

	private static WebApplicationContextRunner runner(FaultyProxy proxy) {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsSessionAutoConfiguration.class,
					RedisPatternsSessionWebAutoConfiguration.class,
					RedisPatternsCacheAutoConfiguration.class, CacheAutoConfiguration.class,
					RedisPatternsRateLimitAutoConfiguration.class, RedisPatternsLockAutoConfiguration.class,
					RedisPatternsMessagingAutoConfiguration.class, RedisPatternsStructuresAutoConfiguration.class,
					AopAutoConfiguration.class, TaskSchedulingAutoConfiguration.class, EndpointAutoConfiguration.class,
					ConfigurationPropertiesReportEndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class))
			.withUserConfiguration(WebApp.class)
			.withPropertyValues(proxy.springProperties())
			.withPropertyValues("spring.data.redis.username=app", "spring.data.redis.password=" + PASSWORD,
					"spring.data.redis.timeout=1s", "redis.patterns.command-timeout=300ms",
					"redis.patterns.session.max-sessions-per-user=2",
					"redis.patterns.session.key-hashing.secret=" + SESSION_SECRET,
					"redis.patterns.codec.encryption.keys.k1=" + ENCRYPTION_KEY,
					"redis.patterns.session.encrypt-attributes=true", "redis.patterns.cache.encrypt=true",
					"redis.patterns.keys.hash-identities=true", "redis.patterns.keys.identity-secret=" + IDENTITY_SECRET,
					"management.endpoints.web.exposure.include=configprops,env",
					"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
					"redis.patterns.rate-limit.policies.open.algorithm=gcra",
					"redis.patterns.rate-limit.policies.open.limit=100",
					"redis.patterns.rate-limit.policies.open.window=1m",
					"redis.patterns.rate-limit.policies.closed.algorithm=gcra",
					"redis.patterns.rate-limit.policies.closed.limit=100",
					"redis.patterns.rate-limit.policies.closed.window=1m",
					"redis.patterns.rate-limit.policies.closed.fail-open=false");
	}

	/** Turns a session id into its Redis key, as the repository does, to tamper with the stored session. */
	static final class RedisPatternsSessionRepositoryAccess {

		private final UserSessions users;

		RedisPatternsSessionRepositoryAccess(UserSessions users) {
			this.users = users;
		}

		String storageKey(String sessionId) {
			return "rp:session:sessions:" + this.users.handleOf(sessionId);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebMvc
	@EnableCaching
	static class WebApp {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		CatalogService faultCatalog() {
			return new CatalogService();
		}

		@Bean
		RedisPatternsSessionRepositoryAccess sessionAccess(UserSessions users) {
			return new RedisPatternsSessionRepositoryAccess(users);
		}

		@Bean
		SessionController sessionController() {
			return new SessionController();
		}

	}

	@RestController
	static class SessionController {

		@PostMapping("/signin")
		String signIn(HttpSession session, @RequestParam String user) {
			session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
			return session.getId();
		}

		@PostMapping("/note")
		String put(HttpSession session, @RequestParam String value) {
			session.setAttribute("note", value);
			return "stored";
		}

		@GetMapping("/note")
		String get(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			Object note = (session != null) ? session.getAttribute("note") : null;
			return (note != null) ? note.toString() : "none";
		}

	}

	/** Keeps the session cookie between requests. */
	static final class Browser {

		String cookie;

		String get(MockMvc mvc, String path) {
			return perform(mvc, MockMvcRequestBuilders.get(path));
		}

		String post(MockMvc mvc, String path, String... params) {
			MockHttpServletRequestBuilder request = MockMvcRequestBuilders.post(path);
			for (int i = 0; i + 1 < params.length; i += 2) {
				request.param(params[i], params[i + 1]);
			}
			return perform(mvc, request);
		}

		private String perform(MockMvc mvc, MockHttpServletRequestBuilder request) {
			if (this.cookie != null) {
				request.cookie(new Cookie("SESSION", this.cookie));
			}
			try {
				MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
				for (String header : response.getHeaders("Set-Cookie")) {
					if (header.startsWith("SESSION=")) {
						int end = header.indexOf(';');
						this.cookie = header.substring("SESSION=".length(), (end > 0) ? end : header.length());
					}
				}
				return response.getContentAsString();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
