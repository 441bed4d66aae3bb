package dev.redispatterns.core.internal;

import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.DefaultRedisPatternsObservationConvention;
import dev.redispatterns.core.PatternObservationContext;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.RedisPatternsObservationContext;

/**
 * Where the engines report their {@link RedisPatternsObservation observations}, and whether keys go into
 * them. With the no-op registry (the default) {@link #isActive()} is false and the engines skip the
 * observation entirely, so a decision, an acquisition or a load costs nothing extra.
 */
public final class PatternObservations {

	/** Records nothing. */
	public static final PatternObservations NONE = new PatternObservations(ObservationRegistry.NOOP, false);

	private final ObservationRegistry registry;

	private final boolean includeKeys;

	private PatternObservations(ObservationRegistry registry, boolean includeKeys) {
		this.registry = registry;
		this.includeKeys = includeKeys;
	}

	/**
	 * @param includeKeys whether keys (cache keys, rate-limit keys, evaluated lock names, message ids) are
	 * recorded as high-cardinality key-values; they may be personal data, so it is off unless asked for
	 */
	public static PatternObservations of(ObservationRegistry registry, boolean includeKeys) {
		return new PatternObservations(registry, includeKeys);
	}

	public ObservationRegistry registry() {
		return this.registry;
	}

	public boolean includeKeys() {
		return this.includeKeys;
	}

	/** Whether anything listens; asked on every operation because handlers are added after start-up. */
	public boolean isActive() {
		return !this.registry.isNoop();
	}

	/**
	 * Starts an observation. Callers check {@link #isActive()} first, set the outcome on the context and
	 * stop it when the operation ends.
	 * @param target the cache, policy, lock (metric name), stream or queue name
	 * @param detail the lock type or stream group, where the observation has one
	 * @param key the key or message id, recorded only when keys are included
	 */
	public Observation start(RedisPatternsObservation observation, String target, @Nullable String detail,
			@Nullable Object key) {
		String recordedKey = (this.includeKeys && key != null) ? String.valueOf(key) : null;
		RedisPatternsObservationContext context = new RedisPatternsObservationContext(observation, target, detail,
				recordedKey);
		return Observation
			.createNotStarted(null, DefaultRedisPatternsObservationConvention.INSTANCE, () -> context, this.registry)
			.start();
	}

	/**
	 * Starts the observation of a message being published. A tracing bridge writes the trace context into
	 * {@code headers} as it starts; the caller stores whatever is there with the message.
	 * @param target the stream or queue name
	 * @param key the job id, recorded only when keys are included
	 * @param headers empty, filled by the sender handler
	 */
	public Observation startPublish(RedisPatternsObservation observation, String target, @Nullable Object key,
			Map<String, String> headers) {
		String recordedKey = (this.includeKeys && key != null) ? String.valueOf(key) : null;
		RedisPatternsSenderContext context = new RedisPatternsSenderContext(observation, target, recordedKey, headers);
		return Observation
			.createNotStarted(null, DefaultRedisPatternsObservationConvention.INSTANCE, () -> context, this.registry)
			.start();
	}

	/**
	 * Starts the observation of a message being handled, in the trace whose context {@code headers} hold.
	 * @param target the stream, queue or channel name
	 * @param detail the stream group, where there is one
	 * @param key the message id, recorded only when keys are included
	 * @param headers the headers stored with the message, empty when it has none
	 */
	public Observation startReceive(RedisPatternsObservation observation, String target, @Nullable String detail,
			@Nullable Object key, Map<String, String> headers) {
		String recordedKey = (this.includeKeys && key != null) ? String.valueOf(key) : null;
		RedisPatternsReceiverContext context = new RedisPatternsReceiverContext(observation, target, detail,
				recordedKey, headers);
		return Observation
			.createNotStarted(null, DefaultRedisPatternsObservationConvention.INSTANCE, () -> context, this.registry)
			.start();
	}

	/** Sets the outcome of a started observation and stops it. */
	public static void stop(Observation observation, String outcome, @Nullable Throwable error) {
		if (observation.getContext() instanceof PatternObservationContext context) {
			context.outcome(outcome);
		}
		if (error != null) {
			observation.error(error);
		}
		observation.stop();
	}

}
