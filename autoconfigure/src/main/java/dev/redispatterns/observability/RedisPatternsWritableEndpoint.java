package dev.redispatterns.observability;

import java.security.Principal;
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
import org.springframework.context.ApplicationEventPublisher;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * The {@code redispatterns} endpoint with its two write operations, registered instead of the read-only
 * one only when {@code redis.patterns.observability.endpoint.write-operations.enabled=true}:
 * <ul>
 * <li>{@code DELETE /actuator/redispatterns/ratelimit/<policy>/<key>} resets one client's bucket;</li>
 * <li>{@code DELETE /actuator/redispatterns/locks/<name>} force-releases an exclusive lock, whoever
 * holds it (the next waiter gets it).</li>
 * </ul>
 * Each is audited: logged at WARN with the principal and what was done, and published as an
 * {@link AuditApplicationEvent}, which Actuator's auditing stores when an {@code AuditEventRepository}
 * is configured.
 */
public class RedisPatternsWritableEndpoint extends RedisPatternsEndpoint {

	/** Audit event type of a rate-limit bucket reset. */
	public static final String RATE_LIMIT_RESET = "REDIS_PATTERNS_RATE_LIMIT_RESET";

	/** Audit event type of a forced lock release. */
	public static final String LOCK_FORCE_RELEASE = "REDIS_PATTERNS_LOCK_FORCE_RELEASE";

	private static final Log logger = LogFactory.getLog(RedisPatternsWritableEndpoint.class);

	private final ApplicationEventPublisher events;

	public RedisPatternsWritableEndpoint(RedisConnector connector, Sources sources, ApplicationEventPublisher events) {
		super(connector, sources);
		this.events = events;
	}

	/**
	 * {@code ratelimit/<policy>/<key>}: deletes the bucket, so the key has its full limit again.
	 * {@code locks/<name>}: frees the exclusive lock of that name. Anything else is a bad request (400).
	 */
	@DeleteOperation
	public Map<String, Object> delete(@Selector String area,
			@Selector(match = Match.ALL_REMAINING) String[] path, @Nullable SecurityContext securityContext) {
		String principal = principal(securityContext);
		if (RATE_LIMIT.equals(area)) {
			return resetRateLimit(principal, path);
		}
		if (LOCKS.equals(area)) {
			return forceRelease(principal, path);
		}
		throw badRequest("Expected ratelimit/<policy>/<key> or locks/<name>");
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
		audit(principal, RATE_LIMIT_RESET, data, "reset the rate-limit bucket of policy '" + policyAndKey[0]
				+ "', key '" + policyAndKey[1] + "'" + (reset ? "" : " (it had no state)"));
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
				"force-released lock '" + name + "'" + (released ? "" : " (nobody held it)"));
		return result(data);
	}

	private void audit(String principal, String type, Map<String, @Nullable Object> data, String what) {
		logger.warn("Actuator endpoint redispatterns: " + principal + " " + what);
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

	private static String principal(@Nullable SecurityContext securityContext) {
		Principal principal = (securityContext != null) ? securityContext.getPrincipal() : null;
		return (principal != null) ? principal.getName() : "anonymous";
	}

}
