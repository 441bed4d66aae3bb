package dev.redispatterns.sample.account;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.session.UserSessions;

/**
 * Sign-in with a JSON body, sign-out, and "sign out everywhere". The session (a Spring Session in Redis)
 * records the user under the principal-name index attribute, which is what lets {@link UserSessions}
 * find and end a user's sessions on every instance.
 */
@RestController
class AccountController {

	private final CustomerRepository customers;

	private final UserSessions userSessions;

	private final CurrentUser currentUser;

	AccountController(CustomerRepository customers, UserSessions userSessions, CurrentUser currentUser) {
		this.customers = customers;
		this.userSessions = userSessions;
		this.currentUser = currentUser;
	}

	/**
	 * Signs in. Only failed attempts count: per client address against password spraying, and per user name
	 * and address against guessing one account's password. Keyed by the address too, so that an attacker
	 * failing elsewhere can never lock the account's owner out. Attempts hold their permit while they run,
	 * so parallel guesses cannot slip past the limit.
	 */
	@PostMapping("/api/login")
	@RateLimited(value = "login-ip", key = "@clientIp.current()", count = RateLimited.Count.FAILURES)
	@RateLimited(value = "login-failures", key = "#login.username() + '@' + @clientIp.current()",
			count = RateLimited.Count.FAILURES)
	public Map<String, Object> login(@RequestBody LoginRequest login, HttpServletRequest request) {
		Customer customer = this.customers.find(login.username())
			.filter((found) -> Passwords.matches(login.password(), found.passwordHash()))
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Wrong user name or password"));
		HttpSession session = request.getSession(false);
		if (session != null) {
			request.changeSessionId(); // a session id known before sign-in must not stay valid after it
		}
		session = request.getSession(true);
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, customer.username());
		session.setAttribute(CurrentUser.SESSION_ATTRIBUTE, customer.username());
		session.setAttribute(CurrentUser.PLAN_ATTRIBUTE, customer.plan());
		session.setAttribute("signedInAt", Instant.now());
		String agent = request.getHeader("User-Agent");
		session.setAttribute("device", (agent != null) ? agent.substring(0, Math.min(agent.length(), 120)) : "unknown");
		return profile(customer);
	}

	@PostMapping("/api/logout")
	public Map<String, Object> logout(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.invalidate();
		}
		return Map.of("signedOut", true);
	}

	/** Ends every session of the signed-in user, on every instance, this one included. */
	@PostMapping("/api/logout-everywhere")
	public Map<String, Object> logoutEverywhere() {
		String user = requireUser();
		return Map.of("sessionsEnded", this.userSessions.revokeAll(user));
	}

	@GetMapping("/api/me")
	public Map<String, Object> me(HttpSession session) {
		String user = requireUser();
		Customer customer = this.customers.find(user)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Account no longer exists"));
		Map<String, Object> profile = profile(customer);
		String current = this.userSessions.handleOf(session.getId());
		List<Map<String, Object>> sessions = this.userSessions.list(user).stream().map((other) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("handle", other.handle());
			entry.put("current", other.handle().equals(current));
			entry.put("device", other.attributes().getOrDefault("device", "unknown"));
			entry.put("lastUsed", other.lastAccessedTime());
			entry.put("expires", other.expiresAt());
			return entry;
		}).toList();
		profile.put("sessions", sessions);
		return profile;
	}

	private String requireUser() {
		String user = this.currentUser.name();
		if (user == null) {
			throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Sign in first");
		}
		return user;
	}

	private static Map<String, Object> profile(Customer customer) {
		Map<String, Object> profile = new LinkedHashMap<>();
		profile.put("username", customer.username());
		profile.put("displayName", customer.displayName());
		profile.put("admin", customer.admin());
		profile.put("plan", customer.plan());
		return profile;
	}

}
