package dev.redispatterns.observability.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;

import dev.redispatterns.cache.RedisPatternsCacheManager;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.lock.LockPolicy;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.messaging.QueuePolicy;
import dev.redispatterns.messaging.StreamPolicy;
import dev.redispatterns.messaging.internal.AnnotatedListenerLifecycle;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * The {@code redispatterns} actuator endpoint, for operators: the effective configuration of every
 * pattern, the locks this instance holds, the consumer groups of the streams with their pending entries
 * and lag, the depth of the queues, (selector {@code ratelimit/<policy>/<key>}) the state of one
 * rate-limit bucket, read without changing it, and (selector {@code overrides/<policy>}) the run-time
 * overrides of a rate-limit policy.
 * <p>
 * It is safe to expose to operators: it never shows cached values, session ids, payloads, lock owner
 * tokens or secrets. Redis is asked only for counts ({@code XINFO GROUPS}, {@code XLEN}, {@code LLEN},
 * {@code ZCARD}) and for the one bucket inspected. Write operations live in
 * {@link RedisPatternsWritableEndpoint}, registered only when they are switched on.
 */
@Endpoint(id = "redispatterns")
public class RedisPatternsEndpoint {

	/** Area of the rate-limit selector: {@code /actuator/redispatterns/ratelimit/<policy>/<key>}. */
	public static final String RATE_LIMIT = "ratelimit";

	/** Area of the rate-limit override selector: {@code /actuator/redispatterns/overrides/<policy>[/<key>]}. */
	public static final String OVERRIDES = "overrides";

	/** Area of the lock selector (force release): {@code /actuator/redispatterns/locks/<name>}. */
	public static final String LOCKS = "locks";

	private final RedisConnector connector;

	private final Sources sources;

	private final LockReport locks;

	private final MessagingReport messaging;

	public RedisPatternsEndpoint(RedisConnector connector, Sources sources) {
		this(connector, sources, false);
	}

	/**
	 * @param showLockNames whether held locks are listed by name; otherwise by a mask, as names evaluated
	 * from method arguments can be user data (user ids, e-mail addresses)
	 */
	public RedisPatternsEndpoint(RedisConnector connector, Sources sources, boolean showLockNames) {
		this.connector = connector;
		this.sources = sources;
		this.locks = new LockReport(showLockNames);
		this.messaging = new MessagingReport(connector, sources);
	}

	/**
	 * What the endpoint reads from. Every part is optional: a switched-off feature is simply absent.
	 *
	 * @param cacheManager the caches
	 * @param rateLimiter the rate limiter and its policies
	 * @param lockManager the lock engine (settings and held locks)
	 * @param lockDefaults wait and lease time of {@code @DistributedLock} methods that set none
	 * @param lockPolicies per-lock-name overrides of those defaults
	 * @param messagingKeys key names of streams and queues
	 * @param listeners the stream and queue consumers of this instance
	 * @param streamSettings effective settings of a stream by name
	 * @param queueSettings effective settings of a queue by name
	 * @param configuredStreams streams named in the configuration (shown even when not consumed here)
	 * @param configuredQueues queues named in the configuration
	 */
	public record Sources(@Nullable RedisPatternsCacheManager cacheManager, @Nullable RateLimiter rateLimiter,
			@Nullable RedisLockManager lockManager, @Nullable LockPolicy lockDefaults,
			Map<String, LockPolicy> lockPolicies, @Nullable MessagingKeys messagingKeys,
			@Nullable AnnotatedListenerLifecycle listeners, @Nullable Function<String, StreamPolicy> streamSettings,
			@Nullable Function<String, QueuePolicy> queueSettings, Collection<String> configuredStreams,
			Collection<String> configuredQueues) {

		/** Nothing to read from (every feature switched off). */
		public static Sources none() {
			return new Sources(null, null, null, null, Map.of(), null, null, null, null, List.of(), List.of());
		}

	}

	/** Everything at once. */
	@ReadOperation
	public Map<String, Object> describe() {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("topology", this.connector.topology().id());
		RedisPatternsCacheManager caches = this.sources.cacheManager();
		if (caches != null) {
			report.put("caches", CacheReport.of(caches));
		}
		RateLimiter limiter = this.sources.rateLimiter();
		if (limiter != null) {
			report.put("rateLimits", RateLimitReport.of(limiter));
		}
		RedisLockManager locks = this.sources.lockManager();
		if (locks != null) {
			report.put("locks", this.locks.of(locks, this.sources.lockDefaults(), this.sources.lockPolicies()));
		}
		MessagingKeys messagingKeys = this.sources.messagingKeys();
		if (messagingKeys != null) {
			report.put("streams", this.messaging.streams(messagingKeys));
			report.put("queues", this.messaging.queues(messagingKeys));
		}
		return report;
	}

	/**
	 * One part, by selector: {@code ratelimit/<policy>/<key>} reads the state of that bucket without
	 * changing it (keys may contain {@code /}). Unknown areas, policies and missing parts answer 404/400.
	 */
	@ReadOperation
	public @Nullable Object part(@Selector String area, @Selector(match = Match.ALL_REMAINING) String[] path) {
		if (OVERRIDES.equals(area)) {
			RedisRateLimiter limiter = redisRateLimiter();
			RateLimitOverrides overrides = (limiter != null) ? limiter.overrides() : null;
			if (overrides == null || path.length == 0 || !limiter.hasPolicy(path[0])) {
				return null;
			}
			return Map.of("overrides", RateLimitReport.overrides(overrides, path[0]));
		}
		if (!RATE_LIMIT.equals(area)) {
			return null;
		}
		RedisRateLimiter limiter = redisRateLimiter();
		if (limiter == null) {
			return null;
		}
		String[] policyAndKey = policyAndKey(path);
		if (!limiter.hasPolicy(policyAndKey[0])) {
			return null;
		}
		return RateLimitReport.bucket(limiter.inspect(policyAndKey[0], policyAndKey[1]));
	}

	protected final @Nullable RedisRateLimiter redisRateLimiter() {
		return (this.sources.rateLimiter() instanceof RedisRateLimiter redis) ? redis : null;
	}

	protected final Sources sources() {
		return this.sources;
	}

	/** {@code [policy, key]} from the selector's path segments; the key may itself contain {@code /}. */
	protected static String[] policyAndKey(String[] path) {
		if (path.length < 2 || path[0].isEmpty()) {
			throw new InvalidEndpointRequestException("Expected ratelimit/<policy>/<key>",
					"Expected ratelimit/<policy>/<key>");
		}
		return new String[] { path[0], String.join("/", Arrays.copyOfRange(path, 1, path.length)) };
	}

}
