package dev.redispatterns.core.internal;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.PatternObservationContext;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.RedisPatternsObservationContext;

/**
 * What one observation of the starter is about, kept in its context's map so that the three context types
 * (each extending a different Micrometer context) share one set of fields and the accessors of
 * {@link PatternObservationContext}.
 */
public final class PatternObservationState {

	private final RedisPatternsObservation observation;

	private final String target;

	private final @Nullable String detail;

	private final @Nullable String key;

	private volatile String outcome = RedisPatternsObservationContext.UNKNOWN;

	private PatternObservationState(RedisPatternsObservation observation, String target, @Nullable String detail,
			@Nullable String key) {
		this.observation = observation;
		this.target = target;
		this.detail = detail;
		this.key = key;
	}

	/** Names {@code context} after the observation and attaches the state its accessors read. */
	public static void attach(Observation.Context context, RedisPatternsObservation observation, String target,
			@Nullable String detail, @Nullable String key) {
		context.setName(observation.getName());
		context.put(PatternObservationState.class, new PatternObservationState(observation, target, detail, key));
	}

	/** The state {@link #attach attached} to a context of the starter. */
	public static PatternObservationState of(PatternObservationContext context) {
		if (!(context instanceof Observation.Context observed)) {
			throw new IllegalStateException(context.getClass().getName() + " must implement every accessor of "
					+ PatternObservationContext.class.getSimpleName() + " itself");
		}
		return observed.getRequired(PatternObservationState.class);
	}

	public RedisPatternsObservation observation() {
		return this.observation;
	}

	public String target() {
		return this.target;
	}

	public @Nullable String detail() {
		return this.detail;
	}

	public @Nullable String key() {
		return this.key;
	}

	public String outcome() {
		return this.outcome;
	}

	public void outcome(String outcome) {
		this.outcome = outcome;
	}

	@Override
	public String toString() {
		return this.observation.getName() + " " + this.target + " (" + this.outcome + ")";
	}

}
