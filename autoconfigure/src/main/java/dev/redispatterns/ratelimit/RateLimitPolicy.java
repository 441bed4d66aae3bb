package dev.redispatterns.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * One named limit: its algorithm, how many permits per window (or, for the token bucket, capacity and
 * refill rate) and what happens while Redis cannot be reached. Immutable; the script arguments are encoded
 * once, here, so a decision costs no formatting.
 * <p>
 * A policy can have tiers (for example the plans of an API product): variants with their own settings,
 * chosen per call. A tier shares the policy's name, so one caller keeps one bucket when its tier changes
 * (a tier with another algorithm has its own bucket, as the algorithm is part of the key).
 */
public final class RateLimitPolicy {

	private static final byte[] ONE = ScriptExecutor.arg(1);

	private static final byte[] NO_TOKEN = ScriptExecutor.arg(0);

	private static final byte[] NO_WAIT = ScriptExecutor.arg(0);

	private final String name;

	private final RateLimitAlgorithm algorithm;

	private final long limit;

	private final Duration window;

	private final double refillRate;

	private final boolean failOpen;

	private final boolean localFallback;

	private final @Nullable String tier;

	private final Map<String, RateLimitPolicy> tiers;

	/**
	 * Arguments with permits = 1 and no wait; index 0 is replaced for other permit counts, index 3 for nonces
	 * and refund tokens, index 4 for waits.
	 */
	private final byte[][] argumentsForOne;

	private RateLimitPolicy(String name, RateLimitAlgorithm algorithm, long limit, Duration window, double refillRate,
			boolean failOpen, boolean localFallback) {
		this(name, algorithm, limit, window, refillRate, failOpen, localFallback, null, Map.of());
	}

	private RateLimitPolicy(String name, RateLimitAlgorithm algorithm, long limit, Duration window, double refillRate,
			boolean failOpen, boolean localFallback, @Nullable String tier, Map<String, RateLimitPolicy> tiers) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("policy name must not be empty");
		}
		if (limit <= 0) {
			throw new IllegalArgumentException("limit of policy '" + name + "' must be positive, was " + limit);
		}
		if (window.toMillis() < 1) {
			throw new IllegalArgumentException("window of policy '" + name + "' must be at least 1ms, was " + window);
		}
		if (!(refillRate > 0) || Double.isInfinite(refillRate)) {
			throw new IllegalArgumentException("refill rate of policy '" + name + "' must be positive, was " + refillRate);
		}
		this.name = name;
		this.algorithm = algorithm;
		this.limit = limit;
		this.window = window;
		this.refillRate = refillRate;
		this.failOpen = failOpen;
		this.localFallback = localFallback;
		this.tier = tier;
		this.tiers = tiers;
		this.argumentsForOne = encode();
	}

	/**
	 * A policy allowing {@code limit} permits per {@code window} with one of the window algorithms or GCRA.
	 * For {@link RateLimitAlgorithm#TOKEN_BUCKET} this means capacity {@code limit}, refilled at
	 * {@code limit / window}. Fails open and has no local fallback until told otherwise.
	 */
	public static RateLimitPolicy of(String name, RateLimitAlgorithm algorithm, long limit, Duration window) {
		double rate = limit / (window.toNanos() / 1e9);
		return new RateLimitPolicy(name, algorithm, limit, window, rate, true, false);
	}

	/** A token bucket holding up to {@code capacity} tokens, refilled at {@code refillRate} tokens per second. */
	public static RateLimitPolicy tokenBucket(String name, long capacity, double refillRate) {
		if (!(refillRate > 0)) {
			throw new IllegalArgumentException("refill rate of policy '" + name + "' must be positive, was " + refillRate);
		}
		Duration fill = Duration.ofNanos(Math.max(1_000_000L, (long) Math.ceil(capacity / refillRate * 1e9)));
		return new RateLimitPolicy(name, RateLimitAlgorithm.TOKEN_BUCKET, capacity, fill, refillRate, true, false);
	}

	/** This policy with another decision for when Redis cannot be reached (and no local fallback applies). */
	public RateLimitPolicy withFailOpen(boolean failOpen) {
		return new RateLimitPolicy(this.name, this.algorithm, this.limit, this.window, this.refillRate, failOpen,
				this.localFallback, this.tier, this.tiers);
	}

	/** This policy with the local in-memory fallback switched on or off. */
	public RateLimitPolicy withLocalFallback(boolean localFallback) {
		return new RateLimitPolicy(this.name, this.algorithm, this.limit, this.window, this.refillRate, this.failOpen,
				localFallback, this.tier, this.tiers);
	}

	/**
	 * This policy with a tier: calls naming {@code tier} use the algorithm, limits and outage behaviour of
	 * {@code settings} (whose own name is ignored) under this policy's name.
	 * @throws IllegalArgumentException if this is itself a tier, or {@code settings} has tiers
	 */
	public RateLimitPolicy withTier(String tier, RateLimitPolicy settings) {
		if (tier == null || tier.isBlank()) {
			throw new IllegalArgumentException("tier name of policy '" + this.name + "' must not be empty");
		}
		if (this.tier != null || !settings.tiers.isEmpty()) {
			throw new IllegalArgumentException("tiers of policy '" + this.name + "' cannot have tiers themselves");
		}
		Map<String, RateLimitPolicy> tiers = new LinkedHashMap<>(this.tiers);
		tiers.put(tier, new RateLimitPolicy(this.name, settings.algorithm, settings.limit, settings.window,
				settings.refillRate, settings.failOpen, settings.localFallback, tier, Map.of()));
		return new RateLimitPolicy(this.name, this.algorithm, this.limit, this.window, this.refillRate, this.failOpen,
				this.localFallback, null, Map.copyOf(tiers));
	}

	/**
	 * This policy with the settings an override names replaced (limit or capacity, window, refill rate);
	 * settings that do not apply to the algorithm are ignored. The tier and tiers are kept.
	 */
	public RateLimitPolicy withOverride(RateLimitOverride override) {
		long limit = (override.limit() != null) ? override.limit() : this.limit;
		if (this.algorithm == RateLimitAlgorithm.TOKEN_BUCKET) {
			double rate = (override.refillRate() != null) ? override.refillRate() : this.refillRate;
			Duration fill = Duration.ofNanos(Math.max(1_000_000L, (long) Math.ceil(limit / rate * 1e9)));
			return new RateLimitPolicy(this.name, this.algorithm, limit, fill, rate, this.failOpen, this.localFallback,
					this.tier, this.tiers);
		}
		Duration window = (override.window() != null) ? override.window() : this.window;
		return new RateLimitPolicy(this.name, this.algorithm, limit, window, limit / (window.toNanos() / 1e9),
				this.failOpen, this.localFallback, this.tier, this.tiers);
	}

	public String name() {
		return this.name;
	}

	public RateLimitAlgorithm algorithm() {
		return this.algorithm;
	}

	/** Permits per window; for a token bucket its capacity. */
	public long limit() {
		return this.limit;
	}

	/** Window of the limit; for a token bucket the time an empty bucket takes to fill. */
	public Duration window() {
		return this.window;
	}

	/** Permits regained per second: the token bucket's refill rate, {@code limit / window} otherwise. */
	public double refillRate() {
		return this.refillRate;
	}

	/** Whether calls are let through while Redis cannot be reached and no local fallback applies. */
	public boolean failOpen() {
		return this.failOpen;
	}

	/** Whether an in-memory limiter with this instance's share of the limit decides while Redis is unreachable. */
	public boolean localFallback() {
		return this.localFallback;
	}

	/** The tier this variant of the policy is, {@code null} for the policy's own settings. */
	public @Nullable String tier() {
		return this.tier;
	}

	/** The tiers of the policy by name; empty for a tier and for a policy without tiers. */
	public Map<String, RateLimitPolicy> tiers() {
		return this.tiers;
	}

	/**
	 * The {@code ARGV} of this policy's script for one decision. Exposed so that tools (benchmarks) can run
	 * the very same script and arguments without the engine; the engine itself reuses a pre-encoded array.
	 */
	public byte[][] scriptArguments(long permits) {
		return scriptArguments(permits, 0);
	}

	/** {@link #scriptArguments(long)} for a caller that may wait up to {@code maxWaitMillis} for the permits. */
	byte[][] scriptArguments(long permits, long maxWaitMillis) {
		byte[][] arguments = this.argumentsForOne.clone();
		arguments[0] = (permits == 1) ? ONE : ScriptExecutor.arg(permits);
		if (this.algorithm == RateLimitAlgorithm.SLIDING_LOG) {
			arguments[3] = Nonces.next();
		}
		if (maxWaitMillis > 0) {
			arguments[4] = ScriptExecutor.arg(maxWaitMillis);
		}
		return arguments;
	}

	/** The pre-encoded arguments for one permit; shared, never to be modified (sliding log: nonce missing). */
	byte[][] argumentsForOne() {
		return this.argumentsForOne;
	}

	private byte[][] encode() {
		long windowMillis = this.window.toMillis();
		return switch (this.algorithm) {
			case FIXED_WINDOW, SLIDING_WINDOW, SLIDING_LOG, GCRA -> new byte[][] { ONE, ScriptExecutor.arg(this.limit),
					ScriptExecutor.arg(windowMillis), NO_TOKEN, NO_WAIT };
			case TOKEN_BUCKET -> new byte[][] { ONE, ScriptExecutor.arg(this.limit),
					Double.toString(this.refillRate).getBytes(StandardCharsets.US_ASCII), NO_TOKEN, NO_WAIT };
		};
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof RateLimitPolicy that && this.name.equals(that.name)
				&& this.algorithm == that.algorithm && this.limit == that.limit && this.window.equals(that.window)
				&& Double.compare(this.refillRate, that.refillRate) == 0 && this.failOpen == that.failOpen
				&& this.localFallback == that.localFallback && Objects.equals(this.tier, that.tier)
				&& this.tiers.equals(that.tiers));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.name, this.tier, this.algorithm, this.limit, this.window, this.refillRate);
	}

	@Override
	public String toString() {
		String name = (this.tier != null) ? this.name + " [" + this.tier + "]" : this.name;
		if (this.algorithm == RateLimitAlgorithm.TOKEN_BUCKET) {
			return name + " (token-bucket, capacity " + this.limit + ", " + this.refillRate + "/s)";
		}
		return name + " (" + this.algorithm.configName() + ", " + this.limit + " per " + this.window + ")";
	}

	/**
	 * Call-unique sliding-log member prefixes: a random per-process part and a counter, in base 36. Unique
	 * across instances without coordination, and short, because every grant stores one.
	 */
	static final class Nonces {

		private static final String PROCESS = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);

		private static final AtomicLong COUNTER = new AtomicLong();

		private Nonces() {
		}

		static byte[] next() {
			return (PROCESS + '.' + Long.toString(COUNTER.incrementAndGet(), 36)).getBytes(StandardCharsets.US_ASCII);
		}

	}

}
