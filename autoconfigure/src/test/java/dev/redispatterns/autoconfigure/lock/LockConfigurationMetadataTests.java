package dev.redispatterns.autoconfigure.lock;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.redispatterns.autoconfigure.GeneratedMetadata;

/**
 * The IDE metadata describes every lock property, with its default where it has one.
 */
class LockConfigurationMetadataTests {

	static final Map<String, Object> DOCUMENTED = new LinkedHashMap<>();

	static {
		DOCUMENTED.put("redis.patterns.lock.enabled", true);
		DOCUMENTED.put("redis.patterns.lock.default-wait-time", "5s");
		DOCUMENTED.put("redis.patterns.lock.default-lease-time", null);
		DOCUMENTED.put("redis.patterns.lock.poll-interval", "1s");
		DOCUMENTED.put("redis.patterns.lock.fencing-counter-ttl", "1h");
		DOCUMENTED.put("redis.patterns.lock.replica-acks", 0);
		DOCUMENTED.put("redis.patterns.lock.replica-ack-timeout", "500ms");
		DOCUMENTED.put("redis.patterns.lock.fair", true);
		DOCUMENTED.put("redis.patterns.lock.watchdog.lease", "30s");
		DOCUMENTED.put("redis.patterns.lock.watchdog.interval", null);
		DOCUMENTED.put("redis.patterns.lock.watchdog.interrupt-holder", false);
		DOCUMENTED.put("redis.patterns.lock.locks", null);
	}

	@Test
	void everyLockPropertyIsDescribedWithItsDefault() throws Exception {
		GeneratedMetadata.assertDescribed(DOCUMENTED);
	}

	@Test
	void noUndocumentedLockProperties() throws Exception {
		GeneratedMetadata.assertNoneUndocumented((name) -> name.startsWith("redis.patterns.lock."), DOCUMENTED);
	}

}
