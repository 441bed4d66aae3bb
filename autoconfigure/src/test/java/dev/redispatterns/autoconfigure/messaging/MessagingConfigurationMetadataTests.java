package dev.redispatterns.autoconfigure.messaging;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.redispatterns.autoconfigure.GeneratedMetadata;

/**
 * The IDE metadata describes every messaging property with its default, as docs/messaging.md documents them.
 */
class MessagingConfigurationMetadataTests {

	static final Map<String, Object> DOCUMENTED = new LinkedHashMap<>();

	static {
		DOCUMENTED.put("redis.patterns.messaging.enabled", true);
		DOCUMENTED.put("redis.patterns.messaging.shutdown-timeout", "10s");
		DOCUMENTED.put("redis.patterns.messaging.pub-sub.sharded", true);
		DOCUMENTED.put("redis.patterns.messaging.stream.max-length", 100000);
		DOCUMENTED.put("redis.patterns.messaging.stream.max-age", null);
		DOCUMENTED.put("redis.patterns.messaging.stream.max-backlog", 0);
		DOCUMENTED.put("redis.patterns.messaging.stream.concurrency", 1);
		DOCUMENTED.put("redis.patterns.messaging.stream.batch-size", 10);
		DOCUMENTED.put("redis.patterns.messaging.stream.poll-timeout", "1s");
		DOCUMENTED.put("redis.patterns.messaging.stream.reclaim-after", "30s");
		DOCUMENTED.put("redis.patterns.messaging.stream.max-deliveries", 5);
		DOCUMENTED.put("redis.patterns.messaging.stream.dead-letter-max-length", 10000);
		DOCUMENTED.put("redis.patterns.messaging.stream.start-from", "earliest");
		DOCUMENTED.put("redis.patterns.messaging.stream.stale-consumer-timeout", "1h");
		DOCUMENTED.put("redis.patterns.messaging.streams", null);
		DOCUMENTED.put("redis.patterns.messaging.queue.max-length", 1000000);
		DOCUMENTED.put("redis.patterns.messaging.queue.concurrency", 1);
		DOCUMENTED.put("redis.patterns.messaging.queue.poll-timeout", "1s");
		DOCUMENTED.put("redis.patterns.messaging.queue.max-deliveries", 5);
		DOCUMENTED.put("redis.patterns.messaging.queue.retry-delay", "5s");
		DOCUMENTED.put("redis.patterns.messaging.queue.consumer-timeout", "30s");
		DOCUMENTED.put("redis.patterns.messaging.queue.dead-letter-max-length", 10000);
		DOCUMENTED.put("redis.patterns.messaging.queues", null);
		DOCUMENTED.put("redis.patterns.messaging.idempotency.lease", "1m");
	}

	@Test
	void messagingPropertiesHaveDescriptionsAndDefaults() throws Exception {
		GeneratedMetadata.assertDescribed(DOCUMENTED);
	}

	@Test
	void everyMessagingPropertyIsDocumentedHere() throws Exception {
		GeneratedMetadata.assertNoneUndocumented((name) -> name.startsWith("redis.patterns.messaging."), DOCUMENTED);
	}

}
