package dev.redispatterns.observability.internal;

import java.security.Principal;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationEventPublisher;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.ratelimit.RateLimitOverride;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * The {@code redispatterns} endpoint with its write operations, registered instead of the read-only
 * one only when {@code redis.patterns.observability.endpoint.write-operations.enabled=true}:
 * <ul>
 * <li>{@code DELETE /actuator/redispatterns/ratelimit/<policy>/<key>} resets one client's bucket;</li>
 * <li>{@code POST /actuator/redispatterns/overrides/<policy>[/<key>]} with a JSON body of {@code limit} (or
 * {@code capacity}), {@code window}, {@code refillRate}, {@code expiresAfter} overrides a rate-limit policy
 * for every instance, {@code DELETE} on the same path clears the override;</li>
 * <li>{@code DELETE /actuator/redispatterns/locks/<name>} force-releases an exclusive lock, whoever
 * holds it (the next waiter gets it).</li>
 * </ul>
 * Each is audited: logged at WARN with the principal and what was done (request-chosen text escaped, so
 * a key cannot forge log lines), and published as an {@link AuditApplicationEvent}, which Actuator's
 * auditing stores when an {@code AuditEventRepository} is configured. A request without an authenticated
 * principal is refused (403): protect the endpoint with Spring Security.
 */
public class RedisPatternsWritableEndpoint extends RedisPatternsEndpoint {

	/** Audit event type of a rate-limit bucket reset. */
	public static final String RATE_LIMIT_RESET = "REDIS_PATTERNS_RATE_LIMIT_RESET";

	/** Audit event type of a rate-limit override set or cleared. */
	public static final String RATE_LIMIT_OVERRIDE = "REDIS_PATTERNS_RATE_LIMIT_OVERRIDE";

	/** Audit event type of a forced lock release. */
	public static final String LOCK_FORCE_RELEASE = "REDIS_PATTERNS_LOCK_FORCE_RELEASE";

	private static final Log logger = LogFactory.getLog(RedisPatternsWritableEndpoint.class);

	private static final int STATUS_FORBIDDEN = 403;

	private final ApplicationEventPublisher events;

	public RedisPatternsWritableEndpoint(RedisConnector connector, Sources sources, ApplicationEventPublisher events) {
		this(connector, sources, events, false);
	}

	/** @param showLockNames see {@link RedisPatternsEndpoint#RedisPatternsEndpoint(RedisConnector, Sources, boolean)} */
	public RedisPatternsWritableEndpoint(RedisConnector connector, Sources sources, ApplicationEventPublisher events,
			boolean showLockNames) {
		super(connector, sources, showLockNames);
		this.events = events;
	}

	/**
	 * {@code ratelimit/<policy>/<key>}: deletes the bucket, so the key has its full limit again.
	 * {@code locks/<name>}: frees the exclusive lock of that name. Anything else is a bad request (400).
	 */
	@DeleteOperation
	public WebEndpointResponse<Map<String, Object>> delete(@Selector String area,
			@Selector(match = Match.ALL_REMAINING) String[] path, @Nullable SecurityContext securityContext) {
		String principal = principal(securityContext);
		if (principal == null) {
			return unauthenticated();
		}
		if (RATE_LIMIT.equals(area)) {
			return new WebEndpointResponse<>(resetRateLimit(principal, path));
		}
		if (LOCKS.equals(area)) {
			return new WebEndpointResponse<>(forceRelease(principal, path));
		}
		if (OVERRIDES.equals(area)) {
			return new WebEndpointResponse<>(clearOverride(principal, path));
		}
		throw badRequest("Expected ratelimit/<policy>/<key>, overrides/<policy>[/<key>] or locks/<name>");
	}

	/**
	 * {@code overrides/<policy>[/<key>]}: overrides the named settings of the policy, for every instance;
	 * durations are written as in the configuration ({@code 1m}, {@code 500ms}).
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> write(@Selector String area,
			@Selector(match = Match.ALL_REMAINING) String[] path, @Nullable Long limit, @Nullable Long capacity,
			@Nullable String window, @Nullable Double refillRate, @Nullable String expiresAfter,
			@Nullable SecurityContext securityContext) {
		String principal = principal(securityContext);
		if (principal == null) {
			return unauthenticated();
		}
		if (!OVERRIDES.equals(area)) {
			throw badRequest("Expected overrides/<policy>[/<key>]");
		}
		RateLimitOverrides overrides = overrides(path);
		if (limit != null && capacity != null && !limit.equals(capacity)) {
			throw badRequest("Give limit or capacity, not both");
		}
		RateLimitOverride override;
		try {
			override = new RateLimitOverride((limit != null) ? limit : capacity, duration("window", window), refillRate,
					duration("expiresAfter", expiresAfter));
			overrides.set(path[0], key(path), override);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw badRequest(ex.getMessage());
		}
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("policy", path[0]);
		data.put("key", key(path));
		data.put("limit", override.limit());
		data.put("window", window);
		data.put("refillRate", refillRate);
		data.put("expiresAfter", expiresAfter);
		audit(principal, RATE_LIMIT_OVERRIDE, data, "overrode rate-limit " + target(path) + " with " + override);
		return new WebEndpointResponse<>(result(data));
	}

	private Map<String, Object> clearOverride(String principal, String[] path) {
		RateLimitOverrides overrides = overrides(path);
		boolean cleared;
		try {
			cleared = overrides.clear(path[0], key(path));
		}
		catch (IllegalArgumentException ex) {
			throw badRequest(ex.getMessage());
		}
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("policy", path[0]);
		data.put("key", key(path));
		data.put("cleared", cleared);
		audit(principal, RATE_LIMIT_OVERRIDE, data,
				"cleared the override of rate-limit " + target(path) + (cleared ? "" : " (there was none)"));
		return result(data);
	}

	private RateLimitOverrides overrides(String[] path) {
		RedisRateLimiter limiter = redisRateLimiter();
		RateLimitOverrides overrides = (limiter != null) ? limiter.overrides() : null;
		if (overrides == null) {
			throw badRequest("Rate-limit overrides are not in use");
		}
		if (path.length == 0 || path[0].isEmpty()) {
			throw badRequest("Expected overrides/<policy>[/<key>]");
		}
		if (!limiter.hasPolicy(path[0])) {
			throw badRequest("No rate-limit policy '" + path[0] + "'");
		}
		return overrides;
	}

	private static @Nullable String key(String[] path) {
		return (path.length > 1) ? String.join("/", Arrays.copyOfRange(path, 1, path.length)) : null;
	}

	private static String target(String[] path) {
		String key = key(path);
		return "policy " + quoted(path[0]) + ((key != null) ? ", key " + quoted(key) : "");
	}

	private static @Nullable Duration duration(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw badRequest(name + " '" + value + "' is not a duration, e.g. 1m or 500ms");
		}
	}

	private Map<String, Object> resetRateLimit(String principal, String[] path) {
		RedisRateLimiter limiter = redisRateLimiter();
		if (limiter == null) {
			throw badRequest("Rate limiting is not in use");
		}
		String[] policyAndKey = policyAndKey(path);
		if (!limiter.hasPolicy(policyAndKey[0])) {
			throw badRequest("No rate-limit policy '" + policyAndKey[0] + "'");
		}
		boolean reset = limiter.reset(policyAndKey[0], policyAndKey[1]);
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("policy", policyAndKey[0]);
		data.put("key", policyAndKey[1]);
		data.put("hadState", reset);
		audit(principal, RATE_LIMIT_RESET, data, "reset the rate-limit bucket of policy " + quoted(policyAndKey[0])
				+ ", key " + quoted(policyAndKey[1]) + (reset ? "" : " (it had no state)"));
		return result(data);
	}

	private Map<String, Object> forceRelease(String principal, String[] path) {
		RedisLockManager locks = sources().lockManager();
		if (locks == null) {
			throw badRequest("Distributed locks are not in use");
		}
		if (path.length == 0 || path[0].isEmpty()) {
			throw badRequest("Expected locks/<name>");
		}
		String name = String.join("/", path);
		boolean released = locks.forceRelease(name);
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("lock", name);
		data.put("released", released);
		audit(principal, LOCK_FORCE_RELEASE, data,
				"force-released lock " + quoted(name) + (released ? "" : " (nobody held it)"));
		return result(data);
	}

	private void audit(String principal, String type, Map<String, @Nullable Object> data, String what) {
		logger.warn("Actuator endpoint redispatterns: " + escape(principal) + " " + what);
		this.events.publishEvent(new AuditApplicationEvent(principal, type, data));
	}

	private static Map<String, Object> result(Map<String, @Nullable Object> data) {
		Map<String, Object> result = new LinkedHashMap<>();
		data.forEach((key, value) -> result.put(key, (value != null) ? value : ""));
		return result;
	}

	private static InvalidEndpointRequestException badRequest(String reason) {
		return new InvalidEndpointRequestException(reason, reason);
	}

	/** The authenticated principal's name, or {@code null}: writes need somebody to audit. */
	private static @Nullable String principal(@Nullable SecurityContext securityContext) {
		Principal principal = (securityContext != null) ? securityContext.getPrincipal() : null;
		String name = (principal != null) ? principal.getName() : null;
		return (name != null && !name.isEmpty() && !"anonymousUser".equals(name)) ? name : null;
	}

	private static WebEndpointResponse<Map<String, Object>> unauthenticated() {
		return new WebEndpointResponse<>(Map.of("error",
				"Write operations need an authenticated principal: protect /actuator with Spring Security"),
				STATUS_FORBIDDEN);
	}

	/** Text a request chose, quoted for the log: control characters, quotes and backslashes escaped. */
	static String quoted(String text) {
		return "'" + escape(text) + "'";
	}

	private static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '\\' -> out.append("\\\\");
				case '\'' -> out.append("\\'");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
							|| Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}

}
