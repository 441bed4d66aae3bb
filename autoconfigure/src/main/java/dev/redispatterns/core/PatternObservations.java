package dev.redispatterns.core;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

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

	/** Sets the outcome of a started observation and stops it. */
	public static void stop(Observation observation, String outcome, @Nullable Throwable error) {
		if (observation.getContext() instanceof RedisPatternsObservationContext context) {
			context.outcome(outcome);
		}
		if (error != null) {
			observation.error(error);
		}
		observation.stop();
	}

}
