package dev.redispatterns.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;

/** A policy with everything a decision needs, encoded once. */
final class CompiledPolicy {

	final RateLimitPolicy policy;

	final LuaScript script;

	final byte[] keyPrefix;

	final byte[][] argumentsForOne;

	final boolean slidingLog;

	final boolean windowed;

	final Map<String, CompiledPolicy> tiers;

	/** Refusals remembered for the policy and all its variants (tiers, overrides); on the base policy only. */
	final @Nullable LocalRejections rejections;

	CompiledPolicy(RateLimitPolicy policy, RedisKeys keys) {
		this(policy, keys, 0);
	}

	CompiledPolicy(RateLimitPolicy policy, RedisKeys keys, int localRejectionKeys) {
		this.rejections = (localRejectionKeys > 0) ? new LocalRejections(localRejectionKeys) : null;
		this.policy = policy;
		this.script = policy.algorithm().script();
		this.keyPrefix = (keys.key(RedisRateLimiter.AREA, policy.name(), policy.algorithm().code()) + ':')
			.getBytes(StandardCharsets.UTF_8);
		this.argumentsForOne = policy.argumentsForOne();
		this.slidingLog = policy.algorithm() == RateLimitAlgorithm.SLIDING_LOG;
		this.windowed = policy.algorithm() == RateLimitAlgorithm.FIXED_WINDOW
				|| policy.algorithm() == RateLimitAlgorithm.SLIDING_WINDOW;
		Map<String, CompiledPolicy> tiers = new HashMap<>();
		policy.tiers().forEach((name, tier) -> tiers.put(name, new CompiledPolicy(tier, keys)));
		this.tiers = Map.copyOf(tiers);
	}

	byte[][] arguments(long permits, long maxWaitMillis) {
		if (permits == 1 && maxWaitMillis <= 0 && !this.slidingLog) {
			return this.argumentsForOne;
		}
		return this.policy.scriptArguments(permits, maxWaitMillis);
	}

	/** The key bytes; plain ASCII keys are copied without building intermediate strings. */
	byte[] key(String key) {
		int length = key.length();
		int prefix = this.keyPrefix.length;
		if (length <= RedisKeys.MAX_PART_LENGTH) {
			byte[] out = Arrays.copyOf(this.keyPrefix, prefix + length);
			for (int i = 0; i < length; i++) {
				char c = key.charAt(i);
				if (c < 0x20 || c >= 0x7F || c == '{' || c == '}' || c == '%') {
					return escaped(key);
				}
				out[prefix + i] = (byte) c;
			}
			return out;
		}
		return escaped(key);
	}

	private byte[] escaped(String key) {
		byte[] part = RedisKeys.escape(key).getBytes(StandardCharsets.UTF_8);
		byte[] out = Arrays.copyOf(this.keyPrefix, this.keyPrefix.length + part.length);
		System.arraycopy(part, 0, out, this.keyPrefix.length, part.length);
		return out;
	}

	RateLimitDecision decision(List<Object> reply, long permits, byte[] redisKey, byte[][] arguments) {
		boolean allowed = ((Long) reply.get(0)) == 1L;
		Object token = null;
		if (allowed) {
			token = this.slidingLog ? arguments[3] : this.windowed ? reply.get(4) : Boolean.TRUE;
		}
		long wait = (allowed && reply.size() > 5) ? (Long) reply.get(5) : 0;
		return new RateLimitDecision(this.policy, allowed ? RateLimitOutcome.ALLOWED : RateLimitOutcome.REJECTED,
				permits, (Long) reply.get(1), (Long) reply.get(2), (Long) reply.get(3), redisKey, token, null, wait);
	}

}
