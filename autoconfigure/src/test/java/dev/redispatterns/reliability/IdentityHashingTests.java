package dev.redispatterns.reliability;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.Filter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
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
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitWebAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionWebAutoConfiguration;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.session.UserSessions;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis.patterns.keys.hash-identities}: two instances sign a user in, count her requests by principal
 * and by address (filter rules and {@code @clientIp} in a key expression) and revoke her sessions from the
 * other instance, while no key in Redis — listed as an administrator — holds her name or her address. The
 * same run without the option shows both in the key space, so the check can tell.
 */
@RedisTest
class IdentityHashingTests {

	private static final String USER = "alice-identity";

	private static final String ADDRESS = "203.0.113.77";

	private final RedisDeployment redis;

	private final WebApplicationContextRunner runner;

	IdentityHashingTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsSessionAutoConfiguration.class,
					RedisPatternsSessionWebAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					RedisPatternsRateLimitWebAutoConfiguration.class, AopAutoConfiguration.class))
			.withUserConfiguration(WebApp.class)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("redis.patterns.command-timeout=5s",
					"redis.patterns.session.key-hashing.secret=session-secret-0123456789-abcdefghij",
					"redis.patterns.rate-limit.policies.three.algorithm=fixed-window",
					"redis.patterns.rate-limit.policies.three.limit=3",
					"redis.patterns.rate-limit.policies.three.window=1h",
					"redis.patterns.rate-limit.web.filter.rules.users.patterns=/api/by-user",
					"redis.patterns.rate-limit.web.filter.rules.users.key=principal",
					"redis.patterns.rate-limit.web.filter.rules.users.policy=three",
					"redis.patterns.rate-limit.web.filter.rules.addresses.patterns=/api/by-address",
					"redis.patterns.rate-limit.web.filter.rules.addresses.key=client-ip",
					"redis.patterns.rate-limit.web.filter.rules.addresses.policy=three");
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void featuresWorkAcrossInstancesWithoutIdentitiesInAnyKey() {
		WebApplicationContextRunner hashing = this.runner.withPropertyValues("redis.patterns.keys.hash-identities=true",
				"redis.patterns.keys.identity-secret=identity-secret-0123456789-abcdefghij");
		hashing.run((a) -> hashing.run((b) -> {
			List<String> keys = exercise(a, b);
			assertThat(keys).anyMatch((key) -> key.startsWith("rp:session:principal:h:"))
				.anyMatch((key) -> key.contains("user:h:"))
				.anyMatch((key) -> key.contains("ip:h:"));
			assertThat(keys).as("key names").noneMatch((key) -> key.contains(USER) || key.contains(ADDRESS));
		}));
	}

	@Test
	void withoutTheOptionIdentitiesAreInKeyNames() {
		this.runner.run((a) -> this.runner.run((b) -> {
			assertThat(exercise(a, b)).anyMatch((key) -> key.contains(USER)).anyMatch((key) -> key.contains(ADDRESS));
		}));
	}

	@Test
	void hashingWithoutAStrongSecretFailsTheStartNamingTheProperty() {
		this.runner.withPropertyValues("redis.patterns.keys.hash-identities=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("redis.patterns.keys.identity-secret"));
		this.runner.withPropertyValues("redis.patterns.keys.hash-identities=true",
				"redis.patterns.keys.identity-secret=too-short")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("redis.patterns.keys.identity-secret")
				.hasMessageNotContaining("too-short"));
	}

	/**
	 * Signs in on one instance, spends each budget across both, and revokes from the other.
	 * @return every key in Redis before the revocation and after it
	 */
	private List<String> exercise(WebApplicationContext a, WebApplicationContext b) throws Exception {
		MockMvc first = mvc(a);
		MockMvc second = mvc(b);
		String cookie = signIn(first);
		assertThat(send(second, get("/me"), cookie).getContentAsString()).isEqualTo(USER);
		for (String path : List.of("/api/by-user", "/api/by-address", "/api/annotated")) {
			assertThat(send(first, get(path), null).getStatus()).as(path).isEqualTo(200);
			assertThat(send(second, get(path), null).getStatus()).as(path).isEqualTo(200);
			assertThat(send(first, get(path), null).getStatus()).as(path).isEqualTo(200);
			assertThat(send(second, get(path), null).getStatus()).as(path + ", fourth call, other instance")
				.isEqualTo(429);
		}
		List<String> keys = allKeys();
		assertThat(b.getBean(UserSessions.class).list(USER)).hasSize(1);
		assertThat(b.getBean(UserSessions.class).revokeAll(USER)).isEqualTo(1);
		assertThat(send(first, get("/me"), cookie).getContentAsString()).isEqualTo("anonymous");
		keys.addAll(allKeys());
		return keys;
	}

	private String signIn(MockMvc mvc) throws Exception {
		MockHttpServletResponse response = send(mvc, MockMvcRequestBuilders.post("/signin").param("user", USER), null);
		for (String header : response.getHeaders("Set-Cookie")) {
			if (header.startsWith("SESSION=")) {
				return header.substring("SESSION=".length(), header.indexOf(';'));
			}
		}
		throw new AssertionError("no session cookie");
	}

	private static MockHttpServletRequestBuilder get(String path) {
		return MockMvcRequestBuilders.get(path).principal(() -> USER);
	}

	private static MockHttpServletResponse send(MockMvc mvc, MockHttpServletRequestBuilder request, String cookie)
			throws Exception {
		request.with((servlet) -> {
			servlet.setRemoteAddr(ADDRESS);
			return servlet;
		});
		if (cookie != null) {
			request.cookie(new Cookie("SESSION", cookie));
		}
		return mvc.perform(request).andReturn().getResponse();
	}

	private static MockMvc mvc(ApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup((WebApplicationContext) context)
			.addFilters(context.getBean(SessionRepositoryFilter.class),
					context.getBean("redisPatternsRateLimitFilter", Filter.class))
			.build();
	}

	@SuppressWarnings("unchecked")
	private List<String> allKeys() {
		List<String> all = new ArrayList<>();
		String cursor = "0";
		do {
			List<Object> reply = (List<Object>) this.redis.command("SCAN", cursor, "COUNT", "1000");
			cursor = String.valueOf(reply.get(0));
			((List<Object>) reply.get(1)).forEach((key) -> all.add(key.toString()));
		}
		while (!"0".equals(cursor));
		assertThat(all).isNotEmpty();
		return all;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebMvc
	static class WebApp {

		@Bean
		Pages pages() {
			return new Pages();
		}

	}

	@RestController
	static class Pages {

		@PostMapping("/signin")
		String signIn(HttpSession session, @RequestParam String user) {
			session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
			return "welcome";
		}

		@GetMapping("/me")
		String me(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			Object user = (session != null)
					? session.getAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME) : null;
			return (user != null) ? user.toString() : "anonymous";
		}

		@GetMapping({ "/api/by-user", "/api/by-address" })
		String data() {
			return "data";
		}

		@GetMapping("/api/annotated")
		@RateLimited(value = "three", key = "@clientIp.current()")
		public String annotated() {
			return "annotated";
		}

	}

}
