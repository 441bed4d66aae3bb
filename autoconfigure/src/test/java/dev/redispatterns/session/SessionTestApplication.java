package dev.redispatterns.session;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import com.example.app.AppValue;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionAutoConfiguration;
import dev.redispatterns.autoconfigure.session.RedisPatternsSessionWebAutoConfiguration;
import dev.redispatterns.core.ValueEncodingException;
import dev.redispatterns.test.RedisDeployment;
import gadget.GadgetHolder;

/**
 * A small servlet application for the session tests: a controller that stores a value, signs users in and
 * out, and revokes sessions, run as independent "instances" against one Redis.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebMvc
public class SessionTestApplication {

	static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";

	static WebApplicationContextRunner runner(RedisDeployment redis) {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsSessionAutoConfiguration.class,
					RedisPatternsSessionWebAutoConfiguration.class))
			.withUserConfiguration(SessionTestApplication.class)
			.withPropertyValues(redis.springProperties())
			.withPropertyValues("redis.patterns.codec.allowed-packages=com.example.app",
					"redis.patterns.session.key-hashing.secret=" + SECRET);
	}

	static MockMvc mvc(WebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context)
			.addFilters(context.getBean(SessionRepositoryFilter.class))
			.build();
	}

	/** Registered as a member class of this configuration. */
	@RestController
	public static class SessionController {

		private final UserSessions userSessions;

		SessionController(UserSessions userSessions) {
			this.userSessions = userSessions;
		}

		@PostMapping("/put")
		String put(HttpSession session, @RequestParam String value) {
			session.setAttribute("note", new AppValue(value));
			return "stored";
		}

		@GetMapping("/get")
		String get(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			if (session == null) {
				return "none";
			}
			return (session.getAttribute("note") instanceof AppValue value) ? value.name() : "empty";
		}

		@PostMapping("/put-outside-allow-list")
		String putOutsideAllowList(HttpSession session) {
			session.setAttribute("holder", new GadgetHolder("x"));
			return "stored";
		}

		@PostMapping("/login")
		String login(HttpServletRequest request, @RequestParam String user) {
			request.getSession();
			request.changeSessionId();
			request.getSession().setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
			return "welcome " + user;
		}

		@GetMapping("/me")
		String me(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			Object user = (session != null)
					? session.getAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME) : null;
			return (user != null) ? user.toString() : "anonymous";
		}

		@PostMapping("/logout")
		String logout(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			if (session != null) {
				session.invalidate();
			}
			return "bye";
		}

		@PostMapping("/logout-everywhere")
		String logoutEverywhere(HttpServletRequest request) {
			String user = me(request);
			return Integer.toString(this.userSessions.revokeAll(user));
		}

		@GetMapping("/sessions")
		String sessions(HttpServletRequest request) {
			List<UserSessions.UserSession> sessions = this.userSessions.list(me(request));
			return Integer.toString(sessions.size());
		}

		@ExceptionHandler(SessionLimitExceededException.class)
		ResponseEntity<String> limit(SessionLimitExceededException ex) {
			return ResponseEntity.status(HttpStatus.CONFLICT).body(ex.getMessage());
		}

		@ExceptionHandler(ValueEncodingException.class)
		ResponseEntity<String> notStorable(ValueEncodingException ex) {
			return ResponseEntity.status(422).body(ex.getMessage());
		}

	}

}
