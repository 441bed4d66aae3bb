package dev.redispatterns.ratelimit.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * URL rules with Spring Security on the class path (form login, HTTP Basic): rules marked
 * {@code before-security} count the requests Spring Security answers itself — failed sign-ins, 401s — and a
 * {@code GET} rule also limits {@code HEAD}, which Spring MVC serves with the {@code GET} handler.
 */
@Tag("security")
@RedisTest(process = true)
class RateLimitSpringSecurityTests {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static RedisServerProcess redis;

	static ConfigurableApplicationContext context;

	static HttpProbe http;

	@BeforeAll
	static void start(RedisServerProcess server) {
		redis = server;
		SpringApplication application = new SpringApplication(SecuredApplication.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		String[] properties = { "redis.patterns.rate-limit.policies.attempts.algorithm=sliding-log",
				"redis.patterns.rate-limit.policies.attempts.limit=2",
				"redis.patterns.rate-limit.policies.attempts.window=1h",
				"redis.patterns.rate-limit.web.filter.rules.sign-in.patterns=/login",
				"redis.patterns.rate-limit.web.filter.rules.sign-in.methods=POST",
				"redis.patterns.rate-limit.web.filter.rules.sign-in.policy=attempts",
				"redis.patterns.rate-limit.web.filter.rules.sign-in.before-security=true",
				"redis.patterns.rate-limit.web.filter.rules.basic.patterns=/secure/**",
				"redis.patterns.rate-limit.web.filter.rules.basic.policy=attempts",
				"redis.patterns.rate-limit.web.filter.rules.basic.before-security=true",
				"redis.patterns.rate-limit.web.filter.rules.reads.patterns=/public/**",
				"redis.patterns.rate-limit.web.filter.rules.reads.methods=GET",
				"redis.patterns.rate-limit.web.filter.rules.reads.policy=attempts", "server.port=0",
				"management.health.redispatterns.enabled=false",
				// a failed form sign-in stores its exception in the session: not the subject here
				"redis.patterns.session.enabled=false" };
		String[] args = Stream.of(Arrays.stream(redis.springProperties()), Arrays.stream(properties))
			.flatMap((stream) -> stream)
			.map((property) -> "--" + property)
			.toArray(String[]::new);
		context = application.run(args);
		http = new HttpProbe(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@Test
	void failedFormSignInsAreCountedAlthoughSpringSecurityAnswersThem() throws Exception {
		assertThat(signIn("ann", "wrong-1").statusCode()).isEqualTo(302);
		assertThat(signIn("ann", "wrong-2").statusCode()).isEqualTo(302);
		HttpResponse<String> refused = signIn("ann", "right");
		assertThat(refused.statusCode()).as("the third attempt is refused before Spring Security checks it")
			.isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
	}

	@Test
	void failedHttpBasicRequestsAreCounted() {
		assertThat(http.get("/secure/data", "Authorization", basic("ann", "wrong")).statusCode()).isEqualTo(401);
		assertThat(http.get("/secure/data", "Authorization", basic("ann", "wrong")).statusCode()).isEqualTo(401);
		assertThat(http.get("/secure/data", "Authorization", basic("ann", "right")).statusCode()).isEqualTo(429);
	}

	@Test
	void aGetRuleLimitsHeadToo() {
		assertThat(http.head("/public/page").statusCode()).isEqualTo(200);
		assertThat(http.head("/public/page").statusCode()).isEqualTo(200);
		assertThat(http.head("/public/page").statusCode()).isEqualTo(429);
		assertThat(http.get("/public/page").statusCode()).isEqualTo(429);
	}

	private static HttpResponse<String> signIn(String user, String password) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		String form = "username=" + user + "&password=" + password;
		return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Pages.class)
	static class SecuredApplication {

		@Bean
		SecurityFilterChain security(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.requestMatchers("/public/**")
				.permitAll()
				.anyRequest()
				.authenticated())
				.formLogin(Customizer.withDefaults())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(User.withUsername("ann").password("{noop}right").roles("USER").build());
		}

	}

	@RestController
	static class Pages {

		@GetMapping({ "/public/page", "/secure/data" })
		String page() {
			return "page";
		}

	}

}
