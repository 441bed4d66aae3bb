package dev.redispatterns.core;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.RedisPatternsReceiverContext;
import dev.redispatterns.core.internal.RedisPatternsSenderContext;

/**
 * What one {@link RedisPatternsObservation} inside the application is about (messages use
 * {@link RedisPatternsSenderContext} and {@link RedisPatternsReceiverContext}). A
 * {@code GlobalObservationConvention} for these context types replaces {@link DefaultRedisPatternsObservationConvention}.
 */
public class RedisPatternsObservationContext extends Observation.Context implements PatternObservationContext {

	/** Outcome until the operation tells how it ended. */
	public static final String UNKNOWN = "unknown";

	private final RedisPatternsObservation observation;

	private final String target;

	private final @Nullable String detail;

	private final @Nullable String key;

	private volatile String outcome = UNKNOWN;

	/**
	 * @param target the cache, policy, lock (metric name), stream or queue name
	 * @param detail the lock type or the stream group, where the observation has one
	 * @param key the key or message id, {@code null} unless keys are to be recorded
	 */
	public RedisPatternsObservationContext(RedisPatternsObservation observation, String target,
			@Nullable String detail, @Nullable String key) {
		this.observation = observation;
		this.target = target;
		this.detail = detail;
		this.key = key;
		setName(observation.getName());
	}

	@Override
	public RedisPatternsObservation observation() {
		return this.observation;
	}

	@Override
	public String target() {
		return this.target;
	}

	@Override
	public @Nullable String detail() {
		return this.detail;
	}

	/** The key or message id, present only when the application asked for keys in observations. */
	@Override
	public @Nullable String key() {
		return this.key;
	}

	@Override
	public String outcome() {
		return this.outcome;
	}

	@Override
	public void outcome(String outcome) {
		this.outcome = outcome;
	}

}
