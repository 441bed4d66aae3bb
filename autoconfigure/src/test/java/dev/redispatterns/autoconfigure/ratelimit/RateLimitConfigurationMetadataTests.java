package dev.redispatterns.autoconfigure.ratelimit;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.redispatterns.autoconfigure.GeneratedMetadata;

/**
 * The IDE metadata describes every rate-limit property, with its default where it has one.
 */
class RateLimitConfigurationMetadataTests {

	static final Map<String, Object> DOCUMENTED = new HashMap<>();

	static {
		DOCUMENTED.put("redis.patterns.rate-limit.enabled", true);
		DOCUMENTED.put("redis.patterns.rate-limit.fail-open", true);
		DOCUMENTED.put("redis.patterns.rate-limit.policies", null);
		DOCUMENTED.put("redis.patterns.rate-limit.fallback.enabled", false);
		DOCUMENTED.put("redis.patterns.rate-limit.fallback.instances", 1);
		DOCUMENTED.put("redis.patterns.rate-limit.fallback.max-keys", 10000);
		DOCUMENTED.put("redis.patterns.rate-limit.overrides.enabled", true);
		DOCUMENTED.put("redis.patterns.rate-limit.overrides.refresh-interval", "500ms");
		DOCUMENTED.put("redis.patterns.rate-limit.overrides.max-entries", 1000);
		DOCUMENTED.put("redis.patterns.rate-limit.local-rejections.enabled", false);
		DOCUMENTED.put("redis.patterns.rate-limit.local-rejections.max-keys", 10000);
		DOCUMENTED.put("redis.patterns.rate-limit.web.headers", true);
		DOCUMENTED.put("redis.patterns.rate-limit.web.ietf-headers", true);
		DOCUMENTED.put("redis.patterns.rate-limit.web.trusted-proxies", null);
		DOCUMENTED.put("redis.patterns.rate-limit.web.forwarded-for-header", "X-Forwarded-For");
		DOCUMENTED.put("redis.patterns.rate-limit.web.ipv6-prefix-length", 64);
		DOCUMENTED.put("redis.patterns.rate-limit.web.filter.order", 0);
		DOCUMENTED.put("redis.patterns.rate-limit.web.filter.before-security-order", -101);
		DOCUMENTED.put("redis.patterns.rate-limit.web.filter.rules", null);
	}

	@Test
	void rateLimitPropertiesHaveDescriptionsAndDefaults() throws Exception {
		GeneratedMetadata.assertDescribed(DOCUMENTED);
		GeneratedMetadata.assertNoneUndocumented((name) -> name.startsWith("redis.patterns.rate-limit."), DOCUMENTED);
	}

}
