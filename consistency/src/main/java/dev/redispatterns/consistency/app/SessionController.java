package dev.redispatterns.consistency.app;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.redispatterns.session.UserSessions;

/** Sign-in into a Spring Session in Redis, a request that needs the session, and "sign out everywhere". */
@RestController
public class SessionController {

	private static final long BROKEN_CACHE_MILLIS = 5_000;

	private final UserSessions userSessions;

	private final Broken broken;

	private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();

	public SessionController(UserSessions userSessions, Broken broken) {
		this.userSessions = userSessions;
		this.broken = broken;
	}

	@PostMapping("/session/login")
	public String login(@RequestParam String user, HttpServletRequest request) {
		HttpSession session = request.getSession(true);
		session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
		session.setAttribute("user", user);
		return "ok";
	}

	@PostMapping("/session/me")
	public String me(HttpServletRequest request) {
		String cookie = sessionCookie(request);
		if (this.broken.enabled() && cookie != null) {
			// Broken: sessions accepted recently are accepted again without asking Redis.
			Accepted known = this.accepted.get(cookie);
			if (known != null && System.currentTimeMillis() - known.at() < BROKEN_CACHE_MILLIS) {
				return "accepted " + known.user();
			}
		}
		HttpSession session = request.getSession(false);
		Object user = (session != null) ? session.getAttribute("user") : null;
		if (user == null) {
			return "rejected";
		}
		if (this.broken.enabled() && cookie != null) {
			this.accepted.put(cookie, new Accepted(user.toString(), System.currentTimeMillis()));
		}
		return "accepted " + user;
	}

	@PostMapping("/session/signout-everywhere")
	public String signOutEverywhere(@RequestParam String user) {
		return Integer.toString(this.userSessions.revokeAll(user));
	}

	private static String sessionCookie(HttpServletRequest request) {
		if (request.getCookies() == null) {
			return null;
		}
		for (Cookie cookie : request.getCookies()) {
			if ("SESSION".equals(cookie.getName())) {
				return cookie.getValue();
			}
		}
		return null;
	}

	private record Accepted(String user, long at) {
	}

}
