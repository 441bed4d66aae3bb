package dev.redispatterns.ratelimit.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitOverride;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * The overrides of a {@link RedisRateLimiter}, kept in one bounded Redis hash and copied into every
 * instance.
 * <p>
 * Why a local copy rather than reading the overrides inside the decision script: a policy-wide override
 * would have to live in every cluster slot that holds a bucket of the policy. With a copy, a decision
 * stays one {@code EVALSHA}, and the override's settings travel as its arguments. The copy is refreshed
 * when a writer publishes the new version (pub/sub, at once) and, because pub/sub loses messages while
 * disconnected, by a poll of the version every {@code refreshInterval} (one {@code HGET}); with the
 * default half second every instance applies a change within a second.
 */
public final class RedisRateLimitOverrides implements RateLimitOverrides, AutoCloseable {

	/** Key area of the overrides: {@code prefix:rlo:overrides} (hash), {@code prefix:rlo:changed} (channel). */
	public static final String AREA = "rlo";

	private static final Log logger = LogFactory.getLog(RedisRateLimitOverrides.class);

	private static final LuaScript WRITE = LuaScript.load(RateLimiter.class,
			"rate_limit_overrides_write.lua");

	private static final LuaScript READ = LuaScript.load(RateLimiter.class, "rate_limit_overrides_read.lua");

	private static final byte[] VERSION = "~v".getBytes(StandardCharsets.US_ASCII);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final RedisConnector connector;

	private final ScriptExecutor executor;

	private final byte[] hash;

	private final String channel;

	private final @Nullable RedisSignals signals;

	private final Duration refreshInterval;

	private final int maxEntries;

	private final Function<String, RateLimitPolicy> policies;

	private final ScheduledExecutorService scheduler;

	private volatile OverrideSnapshot snapshot = OverrideSnapshot.EMPTY;

	private volatile RedisSignals.@Nullable Subscription subscription;

	private volatile boolean closed;

	private volatile boolean started;

	/**
	 * @param signals pub/sub for immediate refreshes; {@code null}: the poll alone
	 * @param refreshInterval how often the version is polled
	 * @param maxEntries most overrides at a time
	 * @param policies the limiter's policies by name, throwing {@link IllegalArgumentException} for unknown ones
	 */
	public RedisRateLimitOverrides(RedisConnector connector, ScriptExecutor executor, RedisKeys keys,
			@Nullable RedisSignals signals, Duration refreshInterval, int maxEntries,
			Function<String, RateLimitPolicy> policies) {
		if (refreshInterval.toMillis() < 1) {
			throw new IllegalArgumentException("refresh interval must be at least 1ms, was " + refreshInterval);
		}
		if (maxEntries < 1) {
			throw new IllegalArgumentException("max entries must be at least 1, was " + maxEntries);
		}
		this.connector = connector;
		this.executor = executor;
		this.hash = keys.key(AREA, "overrides").getBytes(StandardCharsets.UTF_8);
		this.channel = keys.key(AREA, "changed");
		this.signals = signals;
		this.refreshInterval = refreshInterval;
		this.maxEntries = maxEntries;
		this.policies = policies;
		this.scheduler = connector.threads().scheduler("rate-limit-overrides");
	}

	/**
	 * Reads the overrides once (so they apply from the first decision) and starts following changes. Runs
	 * once: when the limiter is initialized, or for a limiter built by hand when its overrides are first
	 * read.
	 */
	public synchronized void start() {
		if (this.started || this.closed) {
			return;
		}
		this.started = true;
		subscribe();
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			// Redis down at start: decisions follow the outage rules anyway, and the poll reads them later
			logger.warn("Could not read the rate-limit overrides yet; retrying every " + this.refreshInterval.toMillis()
					+ " ms: " + ex.getMessage());
		}
		long interval = this.refreshInterval.toNanos();
		this.scheduler.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.NANOSECONDS);
	}

	public OverrideSnapshot snapshot() {
		if (!this.started) {
			start();
		}
		return this.snapshot;
	}

	@Override
	public void set(String policy, @Nullable String key, RateLimitOverride override) {
		check(policy, override);
		long ttl = (override.expiresAfter() != null) ? override.expiresAfter().toMillis() : 0;
		write("set", policy, key, text(override.limit()),
				(override.window() != null) ? Long.toString(override.window().toMillis()) : "",
				text(override.refillRate()), ttl);
		logger.info("Rate-limit override set for " + target(policy, key) + ": " + override);
	}

	@Override
	public boolean clear(String policy, @Nullable String key) {
		this.policies.apply(policy);
		boolean cleared = write("clear", policy, key, "", "", "", 0);
		if (cleared) {
			logger.info("Rate-limit override cleared for " + target(policy, key));
		}
		return cleared;
	}

	@Override
	public List<Entry> list() {
		return snapshot().list();
	}

	/**
	 * Reads the overrides from Redis now, as the poll and pub/sub do.
	 * @throws dev.redispatterns.core.RedisUnavailableException if Redis cannot be reached
	 */
	public synchronized void refresh() {
		List<Object> reply = this.executor.call(READ, ReturnType.MULTI, new byte[][] { this.hash });
		long read = System.nanoTime();
		long now = (Long) reply.get(0);
		String version = string(reply.get(1));
		List<OverrideSnapshot.Entry> entries = new ArrayList<>();
		for (int i = 2; i + 1 < reply.size(); i += 2) {
			OverrideSnapshot.Entry entry = parse(string(reply.get(i + 1)), now, read);
			if (entry != null) {
				entries.add(entry);
			}
		}
		if (!version.equals(this.snapshot.version())) {
			this.snapshot = new OverrideSnapshot(version, entries);
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.scheduler.shutdownNow();
		RedisSignals.Subscription current = this.subscription;
		this.subscription = null;
		if (current != null) {
			current.close();
		}
	}

	private boolean write(String operation, String policy, @Nullable String key, String limit, String window,
			String refillRate, long ttlMillis) {
		String field = policy.length() + ":" + policy + ((key != null) ? ":" + key : "");
		List<Object> reply;
		try {
			reply = this.executor.call(WRITE, ReturnType.MULTI, new byte[][] { this.hash },
					ScriptExecutor.arg(field), ScriptExecutor.arg(operation), ScriptExecutor.arg(policy),
					ScriptExecutor.arg((key != null) ? key : ""), ScriptExecutor.arg((key != null) ? 1 : 0),
					ScriptExecutor.arg(limit), ScriptExecutor.arg(window), ScriptExecutor.arg(refillRate),
					ScriptExecutor.arg(ttlMillis), ScriptExecutor.arg(this.maxEntries));
		}
		catch (RedisPatternsException ex) {
			String error = RedisConnector.errorReply(ex);
			if (error != null && error.startsWith("OVERRIDES_FULL")) {
				throw new IllegalStateException("There are already " + this.maxEntries
						+ " rate-limit overrides; clear some or raise redis.patterns.rate-limit.overrides.max-entries", ex);
			}
			throw ex;
		}
		byte[] version = ScriptExecutor.arg(string(reply.get(1)));
		if (this.signals != null) {
			this.signals.publish(this.channel, version).exceptionally((failure) -> {
				logger.debug("Could not announce a rate-limit override change; instances poll for it", failure);
				return null;
			});
		}
		refresh();
		return ((Long) reply.get(0)) == 1L;
	}

	private void check(String policy, RateLimitOverride override) {
		RateLimitPolicy base = this.policies.apply(policy);
		boolean windowed = base.algorithm() != RateLimitAlgorithm.TOKEN_BUCKET;
		boolean bucket = !windowed;
		for (RateLimitPolicy tier : base.tiers().values()) {
			windowed |= tier.algorithm() != RateLimitAlgorithm.TOKEN_BUCKET;
			bucket |= tier.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET;
		}
		if (override.window() != null && !windowed) {
			throw new IllegalArgumentException("Policy '" + policy
					+ "' is a token bucket, which has no window: override its capacity (limit) or refill rate");
		}
		if (override.refillRate() != null && !bucket) {
			throw new IllegalArgumentException(
					"Policy '" + policy + "' is no token bucket, so it has no refill rate: override its limit or window");
		}
	}

	private void poll() {
		if (this.closed || !this.connector.isConnected()) {
			return;
		}
		try {
			if (this.subscription == null) {
				subscribe();
			}
			byte[] version = this.connector.await(this.connector.commands().hget(this.hash, VERSION));
			String current = (version != null) ? new String(version, StandardCharsets.US_ASCII) : "";
			if (!current.equals(this.snapshot.version())) {
				refresh();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Polling the rate-limit overrides failed; the last copy stays in force", ex);
		}
	}

	private void subscribe() {
		if (this.signals == null || this.closed) {
			return;
		}
		try {
			this.subscription = this.signals.subscribe(this.channel, (message) -> {
				if (!this.closed && !new String(message, StandardCharsets.US_ASCII).equals(this.snapshot.version())) {
					// not on the pub/sub I/O thread: reading is a round trip
					this.scheduler.execute(this::refreshQuietly);
				}
			});
		}
		catch (RuntimeException ex) {
			logger.debug("Could not subscribe to rate-limit override changes yet; polling meanwhile", ex);
		}
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.debug("Reading the rate-limit overrides failed; the poll retries", ex);
		}
	}

	private static OverrideSnapshot.@Nullable Entry parse(String json, long redisNow, long readNanos) {
		try {
			JsonNode node = JSON.readTree(json);
			Long limit = node.has("l") ? Long.valueOf(node.path("l").asString()) : null;
			Duration window = node.has("w") ? Duration.ofMillis(Long.parseLong(node.path("w").asString())) : null;
			Double refillRate = node.has("r") ? Double.valueOf(node.path("r").asString()) : null;
			long deadline = Long.MAX_VALUE;
			if (node.has("x")) {
				deadline = readNanos + (Long.parseLong(node.path("x").asString()) - redisNow) * 1_000_000L;
			}
			String key = node.has("k") ? node.path("k").asString() : null;
			return new OverrideSnapshot.Entry(node.path("p").asString(), key,
					new RateLimitOverride(limit, window, refillRate, null), deadline);
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring an unreadable rate-limit override: " + json, ex);
			return null;
		}
	}

	private static String text(@Nullable Number value) {
		return (value != null) ? value.toString() : "";
	}

	private static String string(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private static String target(String policy, @Nullable String key) {
		return (key != null) ? "policy '" + policy + "', key '" + key + "'" : "policy '" + policy + "'";
	}

}
