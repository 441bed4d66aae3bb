package dev.redispatterns.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The IDE metadata of the session and data-structure properties: every one described, defaults as the
 * docs pages document them.
 */
class SessionAndStructuresPropertiesMetadataTests {

	private static final Map<String, Object> DOCUMENTED = new LinkedHashMap<>();

	static {
		DOCUMENTED.put("redis.patterns.session.enabled", true);
		DOCUMENTED.put("redis.patterns.session.timeout", null);
		DOCUMENTED.put("redis.patterns.session.max-sessions-per-user", 0);
		DOCUMENTED.put("redis.patterns.session.when-limit-exceeded", "evict-oldest");
		DOCUMENTED.put("redis.patterns.session.flush-mode", "on-save");
		DOCUMENTED.put("redis.patterns.session.save-mode", "on-set-attribute");
		DOCUMENTED.put("redis.patterns.session.encrypt-attributes", false);
		DOCUMENTED.put("redis.patterns.session.key-hashing.enabled", true);
		DOCUMENTED.put("redis.patterns.session.key-hashing.secret", null);
		DOCUMENTED.put("redis.patterns.session.key-hashing.previous-secrets", null);
		DOCUMENTED.put("redis.patterns.session.key-hashing.accept-unhashed", false);
		DOCUMENTED.put("redis.patterns.session.events.enabled", false);
		DOCUMENTED.put("redis.patterns.session.events.configure-keyspace-notifications", false);
		DOCUMENTED.put("redis.patterns.session.events.cleanup-cron", "0 * * * * *");
		DOCUMENTED.put("redis.patterns.session.servlet.filter-order", -2147483598);
		DOCUMENTED.put("redis.patterns.session.servlet.filter-dispatcher-types", null);
		DOCUMENTED.put("redis.patterns.structures.enabled", true);
		DOCUMENTED.put("redis.patterns.structures.zone", "UTC");
		DOCUMENTED.put("redis.patterns.structures.leaderboard.order", "higher-first");
		DOCUMENTED.put("redis.patterns.structures.leaderboard.period", "none");
		DOCUMENTED.put("redis.patterns.structures.leaderboard.retention", "7d");
		DOCUMENTED.put("redis.patterns.structures.leaderboard.max-entries", 0);
		DOCUMENTED.put("redis.patterns.structures.leaderboards", null);
		DOCUMENTED.put("redis.patterns.structures.unique-counter.period", "daily");
		DOCUMENTED.put("redis.patterns.structures.unique-counter.retention", "35d");
		DOCUMENTED.put("redis.patterns.structures.unique-counters", null);
		DOCUMENTED.put("redis.patterns.structures.counter.time-to-live", "1d");
		DOCUMENTED.put("redis.patterns.structures.counter.sliding", false);
		DOCUMENTED.put("redis.patterns.structures.counters", null);
		DOCUMENTED.put("redis.patterns.structures.write-behind.flush-interval", "10s");
		DOCUMENTED.put("redis.patterns.structures.write-behind.lease-time", "30s");
		DOCUMENTED.put("redis.patterns.structures.write-behind.retention", "7d");
		DOCUMENTED.put("redis.patterns.structures.write-behind.shutdown-timeout", "30s");
		DOCUMENTED.put("redis.patterns.structures.write-behind-counters", null);
	}

	@Test
	void sessionAndStructuresPropertiesAreDescribedWithTheirDefaults() throws Exception {
		GeneratedMetadata.assertDescribed(DOCUMENTED);
	}

	@Test
	void everySessionAndStructuresPropertyIsDocumentedHere() throws Exception {
		GeneratedMetadata.assertNoneUndocumented(
				(name) -> name.startsWith("redis.patterns.session.") || name.startsWith("redis.patterns.structures."),
				DOCUMENTED);
	}

}
