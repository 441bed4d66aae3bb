package dev.redispatterns.core;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;
import org.jspecify.annotations.Nullable;

/**
 * The observations the engines make, for traces (Micrometer Tracing turns each into a span). Names and
 * low-cardinality key-values are bounded (cache, policy, lock, stream and queue names, outcomes); keys and
 * message ids appear only as high-cardinality key-values, and only when the application asks for them
 * ({@code redis.patterns.observability.include-keys}).
 */
public enum RedisPatternsObservation implements ObservationDocumentation {

	/** A cache value being computed: the cached method, a {@code sync = true} loader or a background refresh. */
	CACHE_LOAD("redis.patterns.cache.load", "cache load", Keys.CACHE, null, Keys.KEY),

	/** One rate-limit decision, including the Redis round trip. */
	RATE_LIMIT("redis.patterns.ratelimit.decision", "rate limit", Keys.POLICY, null, Keys.KEY),

	/** Acquiring a distributed lock, waiting included (not the time it is held). */
	LOCK_ACQUIRE("redis.patterns.lock.acquire", "lock acquire", Keys.LOCK, Keys.LOCK_TYPE, Keys.KEY),

	/** A stream entry handled by its consumer group's listener. */
	STREAM_PROCESS("redis.patterns.messaging.stream.process", "stream process", Keys.STREAM, Keys.GROUP,
			Keys.MESSAGE_ID),

	/** A queue job handled by its listener. */
	QUEUE_PROCESS("redis.patterns.messaging.queue.process", "queue process", Keys.QUEUE, null, Keys.MESSAGE_ID),

	/** An entry added to a stream; the trace context goes into the entry, beside its payload. */
	STREAM_PUBLISH("redis.patterns.messaging.stream.publish", "stream publish", Keys.STREAM, null, Keys.MESSAGE_ID),

	/** A job added to a queue; the trace context goes into the job. */
	QUEUE_PUBLISH("redis.patterns.messaging.queue.publish", "queue publish", Keys.QUEUE, null, Keys.MESSAGE_ID),

	/** A pub/sub message handled by a listener; it starts a trace of its own (no room for headers). */
	PUBSUB_PROCESS("redis.patterns.messaging.pubsub.process", "pubsub process", Keys.CHANNEL, null,
			Keys.MESSAGE_ID);

	private final String observationName;

	private final String contextualPrefix;

	private final Keys target;

	private final @Nullable Keys detail;

	private final Keys key;

	RedisPatternsObservation(String name, String contextualPrefix, Keys target, @Nullable Keys detail, Keys key) {
		this.observationName = name;
		this.contextualPrefix = contextualPrefix;
		this.target = target;
		this.detail = detail;
		this.key = key;
	}

	@Override
	public String getName() {
		return this.observationName;
	}

	@Override
	public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
		return DefaultRedisPatternsObservationConvention.class;
	}

	@Override
	public KeyName[] getLowCardinalityKeyNames() {
		return (this.detail != null) ? new KeyName[] { this.target, this.detail, Keys.OUTCOME }
				: new KeyName[] { this.target, Keys.OUTCOME };
	}

	@Override
	public KeyName[] getHighCardinalityKeyNames() {
		return new KeyName[] { this.key };
	}

	/** Start of the span name; the cache, policy, lock, stream or queue name follows. */
	public String contextualPrefix() {
		return this.contextualPrefix;
	}

	/** Key of the low-cardinality value naming the cache, policy, lock, stream or queue. */
	public KeyName targetKey() {
		return this.target;
	}

	/** Key of the second low-cardinality value (lock type, stream group), if this observation has one. */
	public @Nullable KeyName detailKey() {
		return this.detail;
	}

	/** Key of the high-cardinality value (the key or message id). */
	public KeyName keyKey() {
		return this.key;
	}

	/** The key names the observations use. */
	public enum Keys implements KeyName {

		/** Cache name. */
		CACHE("cache"),

		/** Rate-limit policy name. */
		POLICY("policy"),

		/** Lock name as the metrics know it: the annotation's name or key expression, never the evaluated key. */
		LOCK("lock"),

		/** {@code exclusive}, {@code read}, {@code write} or {@code permit}. */
		LOCK_TYPE("lock.type"),

		/** Stream name. */
		STREAM("stream"),

		/** Consumer group. */
		GROUP("group"),

		/** Queue name. */
		QUEUE("queue"),

		/** Channel (or pattern) name as the listener declares it. */
		CHANNEL("channel"),

		/** How it ended, for example {@code success}, {@code allowed}, {@code timeout}. */
		OUTCOME("outcome"),

		/** Cache key, rate-limit key or evaluated lock name (only with include-keys). */
		KEY("key"),

		/** Stream entry or queue job id (only with include-keys). */
		MESSAGE_ID("message.id");

		private final String key;

		Keys(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
