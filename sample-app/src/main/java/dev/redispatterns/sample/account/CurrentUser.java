package dev.redispatterns.sample.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.redispatterns.ratelimit.web.ClientIpKeyResolver;

/**
 * Who is calling: the signed-in user of the current request's session, else the client address.
 * Registered as the bean {@code currentUser} so rate-limit keys can say {@code key = "@currentUser.id()"}.
 */
@Component("currentUser")
public class CurrentUser {

	/** Session attribute holding the signed-in user name. */
	public static final String SESSION_ATTRIBUTE = "shop.user";

	/** Session attribute holding the signed-in user's plan. */
	public static final String PLAN_ATTRIBUTE = "shop.plan";

	private final ClientIpKeyResolver clientIp;

	public CurrentUser(ClientIpKeyResolver clientIp) {
		this.clientIp = clientIp;
	}

	/** The signed-in user of the current request, or {@code null}. */
	public @Nullable String name() {
		HttpServletRequest request = request();
		HttpSession session = (request != null) ? request.getSession(false) : null;
		return (session != null) ? (String) session.getAttribute(SESSION_ATTRIBUTE) : null;
	}

	/**
	 * The signed-in user's plan ({@code basic}, {@code premium}), the tier of the API's per-user limit;
	 * {@code null} for anonymous callers, who get the policy's own settings.
	 */
	public @Nullable String plan() {
		HttpServletRequest request = request();
		HttpSession session = (request != null) ? request.getSession(false) : null;
		return (session != null) ? (String) session.getAttribute(PLAN_ATTRIBUTE) : null;
	}

	/**
	 * The caller as a rate-limit bucket and a visitor: {@code user:<name>} when signed in, else
	 * {@code ip:<client address>} (forwarded-for believed only from trusted proxies).
	 */
	public String id() {
		String name = name();
		return (name != null) ? "user:" + name : "ip:" + this.clientIp.current();
	}

	private static @Nullable HttpServletRequest request() {
		return (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)
				? attributes.getRequest() : null;
	}

}
