package dev.redispatterns.core;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.RedisPatternsReceiverContext;
import dev.redispatterns.core.internal.RedisPatternsSenderContext;

/**
 * What every observation of the starter tells, whatever its context type: {@link RedisPatternsObservationContext}
 * for operations inside the application, {@link RedisPatternsSenderContext} and {@link RedisPatternsReceiverContext}
 * for messages, whose trace context travels with them. {@link DefaultRedisPatternsObservationConvention} names
 * them all.
 */
public interface PatternObservationContext {

	RedisPatternsObservation observation();

	/** The cache, policy, lock (metric name), stream, queue or channel name. */
	String target();

	/** The lock type or the stream group, where the observation has one. */
	@Nullable String detail();

	/** The key or message id, present only when the application asked for keys in observations. */
	@Nullable String key();

	/** How the operation ended, {@link RedisPatternsObservationContext#UNKNOWN} until it did. */
	String outcome();

	void outcome(String outcome);

}
