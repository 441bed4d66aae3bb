package dev.redispatterns.autoconfigure.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingProperties.QueuePolicyProperties;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingProperties.StreamPolicyProperties;
import dev.redispatterns.messaging.QueuePolicy;
import dev.redispatterns.messaging.StreamPolicy;

/**
 * Merges the shared stream and queue defaults with the per-name overrides into immutable settings. Every
 * configured value is checked once at start-up; a wrong one fails the start naming the full property.
 * Names without overrides get the defaults.
 */
public final class MessagingPolicies {

	private static final String PREFIX = "redis.patterns.messaging.";

	private static final int MAX_CACHED = 10_000;

	private final RedisPatternsMessagingProperties properties;

	private final Map<String, StreamPolicy> streams = new ConcurrentHashMap<>();

	private final Map<String, QueuePolicy> queues = new ConcurrentHashMap<>();

	public MessagingPolicies(RedisPatternsMessagingProperties properties) {
		this.properties = properties;
		nonNegative(PREFIX + "shutdown-timeout", properties.getShutdownTimeout());
		positive(PREFIX + "idempotency.lease", properties.getIdempotency().getLease());
		resolveStream("", null, PREFIX + "stream.");
		resolveQueue("", null, PREFIX + "queue.");
		properties.getStreams()
			.forEach((name, overrides) -> this.streams.put(name,
					resolveStream(name, overrides, PREFIX + "streams." + name + ".")));
		properties.getQueues()
			.forEach((name, overrides) -> this.queues.put(name,
					resolveQueue(name, overrides, PREFIX + "queues." + name + ".")));
	}

	/** The settings of stream {@code name}: its overrides merged over the shared defaults. */
	public StreamPolicy stream(String name) {
		StreamPolicy settings = this.streams.get(name);
		if (settings == null) {
			settings = resolveStream(name, null, PREFIX + "stream.");
			if (this.streams.size() < MAX_CACHED) {
				this.streams.put(name, settings);
			}
		}
		return settings;
	}

	/** The settings of queue {@code name}: its overrides merged over the shared defaults. */
	public QueuePolicy queue(String name) {
		QueuePolicy settings = this.queues.get(name);
		if (settings == null) {
			settings = resolveQueue(name, null, PREFIX + "queue.");
			if (this.queues.size() < MAX_CACHED) {
				this.queues.put(name, settings);
			}
		}
		return settings;
	}

	private StreamPolicy resolveStream(String name, @Nullable StreamPolicyProperties overrides, String prefix) {
		RedisPatternsMessagingProperties.Stream defaults = this.properties.getStream();
		boolean own = overrides != null;
		String at = own ? prefix : PREFIX + "stream.";
		long maxLength = pick(own ? overrides.getMaxLength() : null, defaults.getMaxLength());
		Duration maxAge = (own && overrides.getMaxAge() != null) ? overrides.getMaxAge() : defaults.getMaxAge();
		long maxBacklog = pick(own ? overrides.getMaxBacklog() : null, defaults.getMaxBacklog());
		int concurrency = pick(own ? overrides.getConcurrency() : null, defaults.getConcurrency());
		int batchSize = pick(own ? overrides.getBatchSize() : null, defaults.getBatchSize());
		Duration pollTimeout = pick(own ? overrides.getPollTimeout() : null, defaults.getPollTimeout());
		Duration reclaimAfter = pick(own ? overrides.getReclaimAfter() : null, defaults.getReclaimAfter());
		int maxDeliveries = pick(own ? overrides.getMaxDeliveries() : null, defaults.getMaxDeliveries());
		long deadLetterMaxLength = pick(own ? overrides.getDeadLetterMaxLength() : null,
				defaults.getDeadLetterMaxLength());
		StreamPolicy.Start start = pick(own ? overrides.getStartFrom() : null, defaults.getStartFrom());
		Duration stale = pick(own ? overrides.getStaleConsumerTimeout() : null, defaults.getStaleConsumerTimeout());
		check(maxLength >= 0, at + "max-length", maxLength, "must not be negative");
		check(maxAge == null || isPositive(maxAge), at + "max-age", maxAge, "must be positive");
		check(maxBacklog >= 0, at + "max-backlog", maxBacklog, "must not be negative");
		check(concurrency > 0, at + "concurrency", concurrency, "must be positive");
		check(batchSize > 0, at + "batch-size", batchSize, "must be positive");
		positive(at + "poll-timeout", pollTimeout);
		positive(at + "reclaim-after", reclaimAfter);
		check(maxDeliveries > 0, at + "max-deliveries", maxDeliveries, "must be positive");
		check(deadLetterMaxLength > 0, at + "dead-letter-max-length", deadLetterMaxLength, "must be positive");
		positive(at + "stale-consumer-timeout", stale);
		return new StreamPolicy(name.isEmpty() ? "default" : name, maxLength, maxAge, maxBacklog, concurrency,
				batchSize,
				pollTimeout, reclaimAfter, maxDeliveries, deadLetterMaxLength, start,
				this.properties.getShutdownTimeout(), stale);
	}

	private QueuePolicy resolveQueue(String name, @Nullable QueuePolicyProperties overrides, String prefix) {
		RedisPatternsMessagingProperties.Queue defaults = this.properties.getQueue();
		boolean own = overrides != null;
		String at = own ? prefix : PREFIX + "queue.";
		long maxLength = pick(own ? overrides.getMaxLength() : null, defaults.getMaxLength());
		int concurrency = pick(own ? overrides.getConcurrency() : null, defaults.getConcurrency());
		Duration pollTimeout = pick(own ? overrides.getPollTimeout() : null, defaults.getPollTimeout());
		int maxDeliveries = pick(own ? overrides.getMaxDeliveries() : null, defaults.getMaxDeliveries());
		Duration retryDelay = pick(own ? overrides.getRetryDelay() : null, defaults.getRetryDelay());
		Duration consumerTimeout = pick(own ? overrides.getConsumerTimeout() : null, defaults.getConsumerTimeout());
		long deadLetterMaxLength = pick(own ? overrides.getDeadLetterMaxLength() : null,
				defaults.getDeadLetterMaxLength());
		check(maxLength >= 0, at + "max-length", maxLength, "must not be negative");
		check(concurrency > 0, at + "concurrency", concurrency, "must be positive");
		positive(at + "poll-timeout", pollTimeout);
		check(maxDeliveries > 0, at + "max-deliveries", maxDeliveries, "must be positive");
		nonNegative(at + "retry-delay", retryDelay);
		positive(at + "consumer-timeout", consumerTimeout);
		check(deadLetterMaxLength > 0, at + "dead-letter-max-length", deadLetterMaxLength, "must be positive");
		return new QueuePolicy(name.isEmpty() ? "default" : name, maxLength, concurrency, pollTimeout,
				maxDeliveries, retryDelay, consumerTimeout, deadLetterMaxLength, this.properties.getShutdownTimeout());
	}

	private static <T> T pick(@Nullable T override, T fallback) {
		return (override != null) ? override : fallback;
	}

	private static void positive(String property, @Nullable Duration value) {
		check(isPositive(value), property, value, "must be positive");
	}

	private static void nonNegative(String property, @Nullable Duration value) {
		check(value != null && !value.isNegative(), property, value, "must not be negative");
	}

	private static boolean isPositive(@Nullable Duration value) {
		return value != null && !value.isNegative() && !value.isZero();
	}

	private static void check(boolean valid, String property, @Nullable Object value, String reason) {
		if (!valid) {
			throw new InvalidPropertyException(property, value, reason);
		}
	}

}
