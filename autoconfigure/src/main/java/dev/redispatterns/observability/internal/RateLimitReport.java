package dev.redispatterns.observability.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitOverride;
import dev.redispatterns.ratelimit.RateLimitOverrides;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RateLimitState;
import dev.redispatterns.ratelimit.RateLimiter;
import dev.redispatterns.ratelimit.RedisRateLimiter;

import static dev.redispatterns.observability.internal.EndpointValues.duration;

/**
 * The endpoint's {@code rateLimits} section (policies, tiers, overrides in force), one bucket's state and
 * one policy's overrides.
 */
public final class RateLimitReport {

	private RateLimitReport() {
	}

	static Map<String, Object> of(RateLimiter limiter) {
		Map<String, Object> policies = new TreeMap<>();
		for (RateLimitPolicy policy : limiter.policies()) {
			Map<String, Object> report = policy(policy);
			if (!policy.tiers().isEmpty()) {
				Map<String, Object> tiers = new TreeMap<>();
				policy.tiers().forEach((name, tier) -> tiers.put(name, policy(tier)));
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

	/** One bucket, read without changing it. */
	static Map<String, Object> bucket(RateLimitState state) {
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

	private static Map<String, Object> policy(RateLimitPolicy policy) {
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
	static List<Map<String, Object>> overrides(RateLimitOverrides overrides, @Nullable String policy) {
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

}
