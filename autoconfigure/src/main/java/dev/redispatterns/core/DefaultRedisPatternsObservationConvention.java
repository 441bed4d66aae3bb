package dev.redispatterns.core;

import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import org.jspecify.annotations.Nullable;

/**
 * Span names such as {@code cache load products} or {@code stream publish orders}; low-cardinality key-values
 * for the name, the lock type or stream group and the outcome; the key only when it was recorded.
 */
public class DefaultRedisPatternsObservationConvention implements ObservationConvention<Observation.Context> {

	/** Shared instance. */
	public static final DefaultRedisPatternsObservationConvention INSTANCE = new DefaultRedisPatternsObservationConvention();

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof PatternObservationContext;
	}

	/** The observation keeps the name its context was given ({@link RedisPatternsObservation#getName()}). */
	@Override
	public @Nullable String getName() {
		return null;
	}

	@Override
	public String getContextualName(Observation.Context observed) {
		PatternObservationContext context = (PatternObservationContext) observed;
		return context.observation().contextualPrefix() + " " + context.target();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(Observation.Context observed) {
		PatternObservationContext context = (PatternObservationContext) observed;
		RedisPatternsObservation observation = context.observation();
		KeyName detailKey = observation.detailKey();
		if (detailKey != null) {
			String detail = context.detail();
			return KeyValues.of(observation.targetKey().withValue(context.target()),
					detailKey.withValue((detail != null) ? detail : RedisPatternsObservationContext.UNKNOWN),
					RedisPatternsObservation.Keys.OUTCOME.withValue(context.outcome()));
		}
		return KeyValues.of(observation.targetKey().withValue(context.target()),
				RedisPatternsObservation.Keys.OUTCOME.withValue(context.outcome()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(Observation.Context observed) {
		PatternObservationContext context = (PatternObservationContext) observed;
		String key = context.key();
		return (key != null) ? KeyValues.of(context.observation().keyKey().withValue(key)) : KeyValues.empty();
	}

}
