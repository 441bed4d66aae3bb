package dev.redispatterns.core.internal;

import io.lettuce.core.tracing.LettuceObservationContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

/**
 * Leaves the starter's own commands out of Lettuce's per-command observation (Spring Boot's {@code lettuce}
 * timers and spans), which costs several microseconds of client CPU per command. Lettuce sets the command on
 * the context before the registry tests its predicates, so the test sees which command it is.
 */
public final class StarterCommandObservations implements ObservationPredicate {

	@Override
	public boolean test(String name, Observation.Context context) {
		return !(context instanceof LettuceObservationContext lettuce && lettuce.hasCommand()
				&& StarterCommand.isStarters(lettuce.getRequiredCommand()));
	}

}
