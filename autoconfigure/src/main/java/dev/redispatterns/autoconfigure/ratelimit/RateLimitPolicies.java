package dev.redispatterns.autoconfigure.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitPolicy;

/**
 * Resolves {@code redis.patterns.rate-limit.policies.*} into immutable policies once, at start-up,
 * failing with the full name of the first property that makes no sense.
 */
final class RateLimitPolicies {

	static final String PREFIX = "redis.patterns.rate-limit";

	private RateLimitPolicies() {
	}

	static List<RateLimitPolicy> resolve(RedisPatternsRateLimitProperties properties) {
		RedisPatternsRateLimitProperties.Fallback fallback = properties.getFallback();
		if (fallback.getInstances() < 1) {
			throw new InvalidPropertyException(PREFIX + ".fallback.instances", fallback.getInstances(),
					"must be at least 1");
		}
		if (fallback.getMaxKeys() < 1) {
			throw new InvalidPropertyException(PREFIX + ".fallback.max-keys", fallback.getMaxKeys(), "must be at least 1");
		}
		if (properties.getLocalRejections().getMaxKeys() < 1) {
			throw new InvalidPropertyException(PREFIX + ".local-rejections.max-keys",
					properties.getLocalRejections().getMaxKeys(), "must be at least 1");
		}
		RedisPatternsRateLimitProperties.Overrides overrides = properties.getOverrides();
		if (overrides.getRefreshInterval() == null || overrides.getRefreshInterval().toMillis() < 1) {
			throw new InvalidPropertyException(PREFIX + ".overrides.refresh-interval", overrides.getRefreshInterval(),
					"must be at least 1ms");
		}
		if (overrides.getMaxEntries() < 1) {
			throw new InvalidPropertyException(PREFIX + ".overrides.max-entries", overrides.getMaxEntries(),
					"must be at least 1");
		}
		List<RateLimitPolicy> policies = new ArrayList<>();
		for (Map.Entry<String, RedisPatternsRateLimitProperties.RateLimitPolicyProperties> entry : properties.getPolicies().entrySet()) {
			policies.add(resolve(entry.getKey(), entry.getValue(), properties));
		}
		return policies;
	}

	/** Applies the shared defaults (fail-open, local fallback) to a policy declared in code or inline. */
	static RateLimitPolicy withDefaults(RateLimitPolicy policy, RedisPatternsRateLimitProperties properties) {
		return policy.withFailOpen(properties.isFailOpen()).withLocalFallback(properties.getFallback().isEnabled());
	}

	private static RateLimitPolicy resolve(String name, RedisPatternsRateLimitProperties.RateLimitPolicyProperties policy,
			RedisPatternsRateLimitProperties properties) {
		String prefix = PREFIX + ".policies." + name;
		RateLimitPolicy resolved = resolve(name, prefix, policy, properties);
		for (Map.Entry<String, RedisPatternsRateLimitProperties.RateLimitPolicyProperties> entry : policy.getTiers().entrySet()) {
			String tierPrefix = prefix + ".tiers." + entry.getKey();
			RedisPatternsRateLimitProperties.RateLimitPolicyProperties tier = entry.getValue();
			if (!tier.getTiers().isEmpty()) {
				throw new InvalidPropertyException(tierPrefix + ".tiers", tier.getTiers().keySet(),
						"a tier cannot have tiers itself");
			}
			resolved = resolved.withTier(entry.getKey(),
					resolve(name, tierPrefix, merge(tier, policy, resolved.algorithm()), properties));
		}
		return resolved;
	}

	/** A tier's settings, the unset ones taken from its policy (those of another algorithm only when it keeps it). */
	private static RedisPatternsRateLimitProperties.RateLimitPolicyProperties merge(RedisPatternsRateLimitProperties.RateLimitPolicyProperties tier,
			RedisPatternsRateLimitProperties.RateLimitPolicyProperties policy, RateLimitAlgorithm policyAlgorithm) {
		RedisPatternsRateLimitProperties.RateLimitPolicyProperties merged = new RedisPatternsRateLimitProperties.RateLimitPolicyProperties();
		RateLimitAlgorithm algorithm = (tier.getAlgorithm() != null) ? tier.getAlgorithm() : policyAlgorithm;
		merged.setAlgorithm(algorithm);
		boolean bucket = algorithm == RateLimitAlgorithm.TOKEN_BUCKET;
		boolean sameShape = bucket == (policyAlgorithm == RateLimitAlgorithm.TOKEN_BUCKET);
		merged.setLimit(first(tier.getLimit(), sameShape ? policy.getLimit() : null));
		merged.setWindow(first(tier.getWindow(), sameShape ? policy.getWindow() : null));
		merged.setCapacity(first(tier.getCapacity(), sameShape ? policy.getCapacity() : null));
		merged.setRefillRate(first(tier.getRefillRate(), sameShape ? policy.getRefillRate() : null));
		merged.setFailOpen(first(tier.getFailOpen(), policy.getFailOpen()));
		merged.setLocalFallback(first(tier.getLocalFallback(), policy.getLocalFallback()));
		return merged;
	}

	private static <T> @Nullable T first(@Nullable T value, @Nullable T fallback) {
		return (value != null) ? value : fallback;
	}

	private static RateLimitPolicy resolve(String name, String prefix, RedisPatternsRateLimitProperties.RateLimitPolicyProperties policy,
			RedisPatternsRateLimitProperties properties) {
		RateLimitAlgorithm algorithm = policy.getAlgorithm();
		if (algorithm == null) {
			throw new InvalidPropertyException(prefix + ".algorithm", null, "must be one of " + algorithms());
		}
		RateLimitPolicy resolved;
		if (algorithm == RateLimitAlgorithm.TOKEN_BUCKET) {
			Long capacity = policy.getCapacity();
			if (capacity == null || capacity <= 0) {
				throw new InvalidPropertyException(prefix + ".capacity", capacity,
						"a token-bucket policy needs a positive capacity");
			}
			Double refillRate = policy.getRefillRate();
			if (refillRate == null || !(refillRate > 0) || refillRate.isInfinite()) {
				throw new InvalidPropertyException(prefix + ".refill-rate", refillRate,
						"a token-bucket policy needs a positive refill rate (tokens per second)");
			}
			resolved = RateLimitPolicy.tokenBucket(name, capacity, refillRate);
		}
		else {
			Long limit = policy.getLimit();
			if (limit == null || limit <= 0) {
				throw new InvalidPropertyException(prefix + ".limit", limit, "must be positive");
			}
			Duration window = policy.getWindow();
			if (window == null) {
				throw new InvalidPropertyException(prefix + ".window", null, "must be set, e.g. 1m");
			}
			if (window.toMillis() < 1) {
				throw new InvalidPropertyException(prefix + ".window", window, "must be at least 1ms");
			}
			resolved = RateLimitPolicy.of(name, algorithm, limit, window);
		}
		boolean failOpen = (policy.getFailOpen() != null) ? policy.getFailOpen() : properties.isFailOpen();
		boolean localFallback = (policy.getLocalFallback() != null) ? policy.getLocalFallback()
				: properties.getFallback().isEnabled();
		return resolved.withFailOpen(failOpen).withLocalFallback(localFallback);
	}

	private static String algorithms() {
		return Arrays.stream(RateLimitAlgorithm.values())
			.map(RateLimitAlgorithm::configName)
			.collect(Collectors.joining(", "));
	}

}
