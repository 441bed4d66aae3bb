package dev.redispatterns.core;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.PatternObservationState;

/**
 * What every observation of the starter tells, whatever its context type: {@link RedisPatternsObservationContext}
 * for operations inside the application, and a Micrometer {@code SenderContext} or {@code ReceiverContext} for
 * messages, whose trace context travels with them. {@link DefaultRedisPatternsObservationConvention} names them
 * all; a {@code GlobalObservationConvention} for this type replaces it. The starter creates these contexts; a
 * convention only reads them.
 */
public interface PatternObservationContext {

	default RedisPatternsObservation observation() {
		return PatternObservationState.of(this).observation();
	}

	/** The cache, policy, lock (metric name), stream, queue or channel name. */
	default String target() {
		return PatternObservationState.of(this).target();
	}

	/** The lock type or the stream group, where the observation has one. */
	default @Nullable String detail() {
		return PatternObservationState.of(this).detail();
	}

	/** The key or message id, present only when the application asked for keys in observations. */
	default @Nullable String key() {
		return PatternObservationState.of(this).key();
	}

	/** How the operation ended, {@link RedisPatternsObservationContext#UNKNOWN} until it did. */
	default String outcome() {
		return PatternObservationState.of(this).outcome();
	}

	default void outcome(String outcome) {
		PatternObservationState.of(this).outcome(outcome);
	}

}
