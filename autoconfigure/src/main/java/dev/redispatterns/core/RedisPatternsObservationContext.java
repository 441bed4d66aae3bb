package dev.redispatterns.core;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.PatternObservationState;

/**
 * What one {@link RedisPatternsObservation} inside the application is about (messages, whose trace context
 * travels with them, have sender and receiver contexts; all are {@link PatternObservationContext}s). A
 * {@code GlobalObservationConvention} for these context types replaces {@link DefaultRedisPatternsObservationConvention}.
 */
public class RedisPatternsObservationContext extends Observation.Context implements PatternObservationContext {

	/** Outcome until the operation tells how it ended. */
	public static final String UNKNOWN = "unknown";

	/**
	 * @param target the cache, policy, lock (metric name), stream or queue name
	 * @param detail the lock type or the stream group, where the observation has one
	 * @param key the key or message id, {@code null} unless keys are to be recorded
	 */
	public RedisPatternsObservationContext(RedisPatternsObservation observation, String target,
			@Nullable String detail, @Nullable String key) {
		PatternObservationState.attach(this, observation, target, detail, key);
	}

}
