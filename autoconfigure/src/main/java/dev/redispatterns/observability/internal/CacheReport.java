package dev.redispatterns.observability.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.redispatterns.cache.CachePolicy;
import dev.redispatterns.cache.RedisPatternsCacheManager;

import static dev.redispatterns.observability.internal.EndpointValues.duration;

/** The endpoint's {@code caches} section: the effective policy of every cache. */
public final class CacheReport {

	private CacheReport() {
	}

	static Map<String, Object> of(RedisPatternsCacheManager manager) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("dynamic", manager.isDynamic());
		report.put("defaults", policy(manager.defaults()));
		Map<String, Object> byName = new TreeMap<>();
		for (String name : manager.getCacheNames()) {
			byName.put(name, policy(manager.policy(name)));
		}
		report.put("caches", byName);
		return report;
	}

	private static Map<String, Object> policy(CachePolicy policy) {
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

}
