package dev.redispatterns.ratelimit;

import dev.redispatterns.core.internal.LuaScript;

/**
 * The algorithms a policy can use. Each is one Lua script that reads the time from Redis ({@code TIME}),
 * handles several permits at once, writes nothing for a rejected request and sets a TTL on its key.
 */
public enum RateLimitAlgorithm {

	/** A counter per window aligned on Redis time: cheapest, but allows up to twice the limit across a window edge. */
	FIXED_WINDOW("fw", "rate_limit_fixed_window.lua"),

	/** The weighted two-window counter: constant memory, smooth, an approximation of a true sliding window. */
	SLIDING_WINDOW("sw", "rate_limit_sliding_window.lua"),

	/** A sorted set of grants: exact, memory grows with the limit. */
	SLIDING_LOG("sl", "rate_limit_sliding_log.lua"),

	/** Capacity plus a continuous refill rate: bursts up to the capacity, then the refill rate. */
	TOKEN_BUCKET("tb", "rate_limit_token_bucket.lua"),

	/** Generic cell rate algorithm: one timestamp per key, bursts up to the limit, then evenly spaced permits. */
	GCRA("gcra", "rate_limit_gcra.lua");

	private final String code;

	private final LuaScript script;

	RateLimitAlgorithm(String code, String scriptName) {
		this.code = code;
		this.script = LuaScript.load(RateLimitAlgorithm.class, scriptName);
	}

	/** Short code that is part of every key, so that a policy changing its algorithm never reads foreign state. */
	public String code() {
		return this.code;
	}

	/**
	 * The script of the algorithm. {@code KEYS[1]} is the bucket key, the arguments are those of
	 * {@link RateLimitPolicy#scriptArguments(long)}; the reply is {@code {allowed, remaining, reset ms,
	 * retry-after ms (-1 = never), refund token}}.
	 */
	public LuaScript script() {
		return this.script;
	}

	/** Kebab-case name as used in configuration, for example {@code sliding-window}. */
	public String configName() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
