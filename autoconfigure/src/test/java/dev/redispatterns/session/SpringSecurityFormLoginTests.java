package dev.redispatterns.session;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.WebAttributes;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Security's form login on the starter's sessions, out of the box: two instances behind one
 * "load balancer" (every request goes to the other one). The saved request, the CSRF token, the failed
 * sign-in and the security context all travel through Redis as JSON: a wrong password shows the login page
 * with its error (not a 500) and the failure is in the session on the other instance, a locked account too,
 * and the right password signs in on both instances.
 */
@Tag("security")
@RedisTest
class SpringSecurityFormLoginTests {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	static RedisDeployment redis;

	static ConfigurableApplicationContext first;

	static ConfigurableApplicationContext second;

	@BeforeAll
	static void start(RedisDeployment deployment) {
		redis = deployment;
		first = run();
		second = run();
	}

	@AfterAll
	static void stop() {
		Stream.of(first, second).filter((context) -> context != null).forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aWrongPasswordShowsTheLoginPageAndTheRightOneSignsInOnBothInstances() throws Exception {
		Browser browser = new Browser();
		HttpResponse<String> protectedPage = browser.get(first, "/secret");
		assertThat(protectedPage.statusCode()).isEqualTo(302);
		assertThat(location(protectedPage)).endsWith("/login");
		String token = csrf(browser.get(second, "/login"));

		HttpResponse<String> wrong = browser.post(first, "/login", "username", "ann", "password", "wrong", "_csrf", token);
		assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(302);
		assertThat(location(wrong)).endsWith("/login?error");
		HttpResponse<String> error = browser.get(second, "/login?error");
		assertThat(error.statusCode()).isEqualTo(200);
		assertThat(error.body()).contains("Invalid credentials");
		assertThat(browser.get(first, "/last-error").body()).as("the failure, as stored in the session")
			.isEqualTo("BadCredentialsException: Bad credentials");

		String before = browser.cookie;
		HttpResponse<String> right = browser.post(second, "/login", "username", "ann", "password", "right", "_csrf",
				csrf(error));
		assertThat(right.statusCode()).as(right.body()).isEqualTo(302);
		assertThat(location(right)).as("back to the saved request").contains("/secret");
		assertThat(browser.cookie).as("a new session id after signing in").isNotEqualTo(before);
		assertThat(browser.get(first, "/secret").body()).isEqualTo("secret of ann");
		assertThat(browser.get(second, "/secret").body()).isEqualTo("secret of ann");
		assertThat(second.getBean(UserSessions.class).list("ann")).hasSize(1);

		String stored = String.valueOf(redis.command("HGETALL",
				"rp:session:sessions:" + first.getBean(UserSessions.class).handleOf(browser.sessionId())));
		assertThat(stored).contains("org.springframework.security.core.context.SecurityContextImpl")
			.contains("org.springframework.security.authentication.UsernamePasswordAuthenticationToken")
			.doesNotContain("right")
			.doesNotContain("\\xac\\xed");
	}

	@Test
	void aLockedAccountShowsItsReasonOnTheLoginPage() throws Exception {
		Browser browser = new Browser();
		String token = csrf(browser.get(first, "/login"));
		HttpResponse<String> locked = browser.post(second, "/login", "username", "lou", "password", "right", "_csrf",
				token);
		assertThat(locked.statusCode()).as(locked.body()).isEqualTo(302);
		HttpResponse<String> error = browser.get(first, "/login?error");
		assertThat(error.statusCode()).isEqualTo(200);
		assertThat(browser.get(second, "/last-error").body()).as("stored as a BadCredentialsException, same message")
			.isEqualTo("BadCredentialsException: User account is locked");
		assertThat(browser.get(second, "/secret").statusCode()).isEqualTo(302);
	}

	private static ConfigurableApplicationContext run() {
		SpringApplication application = new SpringApplication(SecuredApplication.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		String[] properties = { "server.port=0", "management.health.redispatterns.enabled=false",
				"redis.patterns.command-timeout=5s",
				"redis.patterns.session.key-hashing.secret=form-login-secret-0123456789-abcdef" };
		return application.run(Stream.concat(Arrays.stream(redis.springProperties()), Arrays.stream(properties))
			.map((property) -> "--" + property)
			.toArray(String[]::new));
	}

	private static String csrf(HttpResponse<String> loginPage) {
		assertThat(loginPage.statusCode()).isEqualTo(200);
		Matcher matcher = CSRF.matcher(loginPage.body());
		assertThat(matcher.find()).as("CSRF token on the login page").isTrue();
		return matcher.group(1);
	}

	private static String location(HttpResponse<String> response) {
		return response.headers().firstValue("Location").orElse("");
	}

	/** Keeps the session cookie, whichever instance answers. */
	static final class Browser {

		String cookie;

		/** The session id the cookie carries (base64, as Spring Session writes it). */
		String sessionId() {
			return new String(java.util.Base64.getDecoder().decode(this.cookie), StandardCharsets.UTF_8);
		}

		HttpResponse<String> get(ConfigurableApplicationContext instance, String path) throws Exception {
			return send(instance, path, HttpRequest.newBuilder().GET());
		}

		HttpResponse<String> post(ConfigurableApplicationContext instance, String path, String... form)
				throws Exception {
			StringBuilder body = new StringBuilder();
			for (int i = 0; i + 1 < form.length; i += 2) {
				body.append((i > 0) ? "&" : "")
					.append(form[i])
					.append('=')
					.append(URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
			}
			return send(instance, path, HttpRequest.newBuilder()
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(body.toString())));
		}

		private HttpResponse<String> send(ConfigurableApplicationContext instance, String path,
				HttpRequest.Builder request) throws Exception {
			int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
			request.uri(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
			if (this.cookie != null) {
				request.header("Cookie", "SESSION=" + this.cookie);
			}
			HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
			for (String cookie : response.headers().allValues("Set-Cookie")) {
				if (cookie.startsWith("SESSION=")) {
					String value = cookie.substring("SESSION=".length(), cookie.indexOf(';'));
					this.cookie = value.isEmpty() ? null : value;
				}
			}
			return response;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Pages.class)
	static class SecuredApplication {

		@Bean
		SecurityFilterChain security(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.requestMatchers("/last-error")
				.permitAll()
				.anyRequest()
				.authenticated())
				.formLogin(Customizer.withDefaults())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(User.withUsername("ann").password("{noop}right").roles("USER").build(),
					User.withUsername("lou").password("{noop}right").roles("USER").accountLocked(true).build());
		}

	}

	@RestController
	static class Pages {

		@GetMapping("/secret")
		String secret(Authentication authentication) {
			return "secret of " + authentication.getName();
		}

		@GetMapping("/last-error")
		String lastError(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			Object failure = (session != null) ? session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION) : null;
			return (failure instanceof Exception ex) ? ex.getClass().getSimpleName() + ": " + ex.getMessage() : "none";
		}

	}

}
