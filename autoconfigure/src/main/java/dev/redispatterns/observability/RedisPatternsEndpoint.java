package dev.redispatterns.observability;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;

import dev.redispatterns.cache.CachePolicy;
import dev.redispatterns.cache.RedisPatternsCacheManager;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.lock.HeldLock;
import dev.redispatterns.lock.LockPolicy;
import dev.redispatterns.lock.LockSettings;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.messaging.MessagingKeys;
import dev.redispatterns.messaging.MessagingListenerLifecycle;
import dev.redispatterns.messaging.QueueConsumer;
import dev.redispatterns.messaging.QueueSettings;
import dev.redispatterns.messaging.StreamConsumer;
import dev.redispatterns.messaging.StreamSettings;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitOverride;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RateLimitState;
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

	private final boolean showLockNames;

	/** Per-instance key of the lock-name masks: equal names look alike here, nothing can be looked up. */
	private final byte[] maskKey = new byte[32];

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
		this.showLockNames = showLockNames;
		new SecureRandom().nextBytes(this.maskKey);
	}

	private String mask(String name) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.maskKey, "HmacSHA256"));
			return "masked:" + HexFormat.of().formatHex(mac.doFinal(name.getBytes(StandardCharsets.UTF_8)), 0, 8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every Java runtime", ex);
		}
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
			@Nullable MessagingListenerLifecycle listeners, @Nullable Function<String, StreamSettings> streamSettings,
			@Nullable Function<String, QueueSettings> queueSettings, Collection<String> configuredStreams,
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
			report.put("caches", caches(caches));
		}
		RateLimiter limiter = this.sources.rateLimiter();
		if (limiter != null) {
			report.put("rateLimits", rateLimits(limiter));
		}
		RedisLockManager locks = this.sources.lockManager();
		if (locks != null) {
			report.put("locks", locks(locks));
		}
		if (this.sources.messagingKeys() != null) {
			report.put("streams", streams());
			report.put("queues", queues());
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
			return Map.of("overrides", overrides(overrides, path[0]));
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
		RateLimitState state = limiter.inspect(policyAndKey[0], policyAndKey[1]);
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("policy", state.policy());
		report.put("key", state.key());
		report.put("exists", state.exists());
		report.put("limit", state.limit());
		report.put("remaining", state.remaining());
		report.put("resetMs", state.resetAfter().toMillis());
		Duration ttl = state.timeToLive();
		report.put("ttlMs", (ttl != null) ? ttl.toMillis() : null);
		return report;
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

	private static Map<String, Object> caches(RedisPatternsCacheManager manager) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("dynamic", manager.isDynamic());
		report.put("defaults", cachePolicy(manager.defaults()));
		Map<String, Object> byName = new TreeMap<>();
		for (String name : manager.getCacheNames()) {
			byName.put(name, cachePolicy(manager.policy(name)));
		}
		report.put("caches", byName);
		return report;
	}

	private static Map<String, Object> cachePolicy(CachePolicy policy) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("ttl", duration(policy.ttl()));
		report.put("ttlJitterPercent", policy.ttlJitterPercent());
		report.put("cacheNulls", policy.cacheNulls());
		report.put("nullTtl", duration(policy.nullTtl()));
		report.put("refreshAhead", policy.refreshAhead());
		report.put("refreshAheadBeta", policy.refreshAheadBeta());
		report.put("staleWhileRevalidate", duration(policy.staleWhileRevalidate()));
		report.put("nearCache", policy.nearCache() ? Map.of("maxSize", policy.nearCacheMaxSize(), "ttl",
				duration(policy.nearCacheTtl())) : false);
		report.put("stampedeProtection", policy.stampedeProtection() ? Map.of("lockTimeout",
				duration(policy.lockTimeout()), "maxWait", duration(policy.maxWait())) : false);
		report.put("timeout", duration(policy.timeout()));
		return report;
	}

	private static Map<String, Object> rateLimits(RateLimiter limiter) {
		Map<String, Object> policies = new TreeMap<>();
		for (RateLimitPolicy policy : limiter.policies()) {
			Map<String, Object> report = rateLimitPolicy(policy);
			if (!policy.tiers().isEmpty()) {
				Map<String, Object> tiers = new TreeMap<>();
				policy.tiers().forEach((name, tier) -> tiers.put(name, rateLimitPolicy(tier)));
				report.put("tiers", tiers);
			}
			policies.put(policy.name(), report);
		}
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("policies", policies);
		if (limiter instanceof RedisRateLimiter redis) {
			report.put("degraded", redis.isDegraded());
			RateLimitOverrides overrides = redis.overrides();
			if (overrides != null) {
				report.put("overrides", overrides(overrides, null));
			}
		}
		return report;
	}

	private static Map<String, Object> rateLimitPolicy(RateLimitPolicy policy) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("algorithm", policy.algorithm().configName());
		if (policy.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET) {
			report.put("capacity", policy.limit());
			report.put("refillRate", policy.refillRate());
		}
		else {
			report.put("limit", policy.limit());
			report.put("window", duration(policy.window()));
		}
		report.put("failOpen", policy.failOpen());
		report.put("localFallback", policy.localFallback());
		return report;
	}

	/** The overrides in force, of one policy or all; keys are shown, as they are what an operator set. */
	private static List<Map<String, Object>> overrides(RateLimitOverrides overrides, @Nullable String policy) {
		List<Map<String, Object>> report = new ArrayList<>();
		for (RateLimitOverrides.Entry entry : overrides.list()) {
			if (policy != null && !policy.equals(entry.policy())) {
				continue;
			}
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("policy", entry.policy());
			if (entry.key() != null) {
				item.put("key", entry.key());
			}
			RateLimitOverride override = entry.override();
			if (override.limit() != null) {
				item.put("limit", override.limit());
			}
			if (override.window() != null) {
				item.put("window", duration(override.window()));
			}
			if (override.refillRate() != null) {
				item.put("refillRate", override.refillRate());
			}
			if (entry.expiresIn() != null) {
				item.put("expiresInMs", entry.expiresIn().toMillis());
			}
			report.add(item);
		}
		return report;
	}

	private Map<String, Object> locks(RedisLockManager manager) {
		Map<String, Object> report = new LinkedHashMap<>();
		LockPolicy defaults = this.sources.lockDefaults();
		if (defaults != null) {
			report.put("defaults", lockPolicy(defaults));
		}
		Map<String, Object> byName = new TreeMap<>();
		this.sources.lockPolicies().forEach((name, policy) -> byName.put(name, lockPolicy(policy)));
		report.put("locks", byName);
		LockSettings settings = manager.settings();
		report.put("watchdog", Map.of("lease", duration(settings.watchdogLease()), "interval",
				duration(settings.watchdogInterval()), "interruptHolder", settings.interruptOnLoss()));
		report.put("pollInterval", duration(settings.pollInterval()));
		report.put("fencingCounterTtl", duration(settings.fencingCounterTtl()));
		report.put("replicaAcks", settings.replicaAcks());
		report.put("replicaAckTimeout", duration(settings.replicaAckTimeout()));
		List<Map<String, Object>> held = new ArrayList<>();
		for (HeldLock lock : manager.heldLocks()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("name", this.showLockNames ? lock.name() : mask(lock.name()));
			entry.put("type", lock.type().id());
			entry.put("metricName", lock.metricName());
			entry.put("fencingToken", lock.fencingToken());
			entry.put("heldForMs", lock.heldFor().toMillis());
			entry.put("renewals", lock.renewals());
			entry.put("watchdog", lock.watchdog());
			entry.put("leaseRemainingMs", lock.leaseRemaining().toMillis());
			held.add(entry);
		}
		report.put("held", held);
		return report;
	}

	private static Map<String, Object> lockPolicy(LockPolicy policy) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("waitTime", duration(policy.waitTime()));
		Duration lease = policy.leaseTime();
		report.put("leaseTime", (lease != null) ? duration(lease) : "watchdog");
		return report;
	}

	private Map<String, Object> streams() {
		MessagingKeys keys = this.sources.messagingKeys();
		Map<String, StreamSettings> streams = new TreeMap<>();
		Map<String, TreeSet<String>> consumedBy = new TreeMap<>();
		MessagingListenerLifecycle listeners = this.sources.listeners();
		if (listeners != null) {
			for (StreamConsumer consumer : listeners.streamConsumers()) {
				streams.put(consumer.settings().name(), consumer.settings());
				consumedBy.computeIfAbsent(consumer.settings().name(), (name) -> new TreeSet<>()).add(consumer.group());
			}
		}
		Function<String, StreamSettings> settings = this.sources.streamSettings();
		if (settings != null) {
			for (String name : this.sources.configuredStreams()) {
				streams.putIfAbsent(name, settings.apply(name));
			}
		}
		Map<String, Object> report = new TreeMap<>();
		streams.forEach((name, stream) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("settings", streamSettings(stream));
			entry.put("consumedHereBy", consumedBy.getOrDefault(name, new TreeSet<>()));
			try {
				byte[] key = bytes(keys.stream(name));
				entry.put("length", this.connector.await(this.connector.commands().xlen(key)));
				entry.put("deadLetters",
						this.connector.await(this.connector.commands().xlen(bytes(keys.streamDeadLetter(name)))));
				entry.put("groups", groups(key));
			}
			catch (RedisPatternsException ex) {
				entry.put("error", ex.getMessage());
			}
			report.put(name, entry);
		});
		return report;
	}

	/** {@code XINFO GROUPS}: per group its consumers, pending entries, lag and last delivered id. */
	private List<Map<String, Object>> groups(byte[] stream) {
		List<Map<String, @Nullable Object>> groups;
		try {
			groups = this.connector.await(this.connector.commands().xinfoGroups(stream));
		}
		catch (RedisPatternsException ex) {
			if (String.valueOf(ex.getMessage()).contains("no such key")) {
				return List.of();
			}
			throw ex;
		}
		List<Map<String, Object>> report = new ArrayList<>();
		for (Map<String, @Nullable Object> info : groups) {
			Map<String, Object> group = new LinkedHashMap<>();
			group.put("name", text(info.get("name")));
			group.put("consumers", number(info.get("consumers")));
			group.put("pending", number(info.get("pending")));
			group.put("lag", number(info.get("lag")));
			group.put("lastDeliveredId", text(info.get("last-delivered-id")));
			report.add(group);
		}
		return report;
	}

	private Map<String, Object> queues() {
		MessagingKeys keys = this.sources.messagingKeys();
		Map<String, QueueSettings> queues = new TreeMap<>();
		Map<String, Integer> consumers = new TreeMap<>();
		MessagingListenerLifecycle listeners = this.sources.listeners();
		if (listeners != null) {
			for (QueueConsumer consumer : listeners.queueConsumers()) {
				queues.put(consumer.settings().name(), consumer.settings());
				consumers.merge(consumer.settings().name(), 1, Integer::sum);
			}
		}
		Function<String, QueueSettings> settings = this.sources.queueSettings();
		if (settings != null) {
			for (String name : this.sources.configuredQueues()) {
				queues.putIfAbsent(name, settings.apply(name));
			}
		}
		Map<String, Object> report = new TreeMap<>();
		queues.forEach((name, queue) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("settings", queueSettings(queue));
			entry.put("consumersHere", consumers.getOrDefault(name, 0));
			try {
				entry.put("ready", this.connector.await(this.connector.commands().llen(bytes(keys.queueReady(name)))));
				entry.put("delayed", this.connector.await(this.connector.commands().zcard(bytes(keys.queueDelayed(name)))));
				entry.put("consumers",
						this.connector.await(this.connector.commands().zcard(bytes(keys.queueConsumers(name)))));
				entry.put("deadLetters",
						this.connector.await(this.connector.commands().xlen(bytes(keys.queueDeadLetter(name)))));
			}
			catch (RedisPatternsException ex) {
				entry.put("error", ex.getMessage());
			}
			report.put(name, entry);
		});
		return report;
	}

	private static Map<String, Object> streamSettings(StreamSettings settings) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("maxLength", settings.maxLength());
		Duration maxAge = settings.maxAge();
		report.put("maxAge", (maxAge != null) ? duration(maxAge) : "none");
		report.put("concurrency", settings.concurrency());
		report.put("batchSize", settings.batchSize());
		report.put("pollTimeout", duration(settings.pollTimeout()));
		report.put("reclaimAfter", duration(settings.reclaimAfter()));
		report.put("maxDeliveries", settings.maxDeliveries());
		report.put("deadLetterMaxLength", settings.deadLetterMaxLength());
		report.put("startFrom", settings.start().name().toLowerCase(java.util.Locale.ROOT));
		report.put("staleConsumerTimeout", duration(settings.staleConsumerTimeout()));
		return report;
	}

	private static Map<String, Object> queueSettings(QueueSettings settings) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("maxLength", settings.maxLength());
		report.put("concurrency", settings.concurrency());
		report.put("pollTimeout", duration(settings.pollTimeout()));
		report.put("maxDeliveries", settings.maxDeliveries());
		report.put("retryDelay", duration(settings.retryDelay()));
		report.put("consumerTimeout", duration(settings.consumerTimeout()));
		report.put("deadLetterMaxLength", settings.deadLetterMaxLength());
		return report;
	}

	/** A duration as the configuration writes it: {@code 10m}, {@code 250ms}, {@code 1h}. */
	static String duration(Duration duration) {
		long millis = duration.toMillis();
		if (millis == 0 || millis % 1000 != 0) {
			return millis + "ms";
		}
		long seconds = millis / 1000;
		if (seconds % 86_400 == 0) {
			return (seconds / 86_400) + "d";
		}
		if (seconds % 3600 == 0) {
			return (seconds / 3600) + "h";
		}
		if (seconds % 60 == 0) {
			return (seconds / 60) + "m";
		}
		return seconds + "s";
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(value);
	}

	private static long number(@Nullable Object value) {
		return (value instanceof Number number) ? number.longValue() : -1;
	}

}
