package dev.redispatterns.observability.internal;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

import org.springframework.core.Ordered;

import dev.redispatterns.core.PatternObservationContext;

/**
 * Takes the starter's observations in Micrometer's group of meter handlers (which Spring Boot asks in
 * order, first match only) and records nothing for them. The observations exist for traces; the meters
 * of the same operations are the starter's own ({@link MeterCatalogue}), so the default meter handler
 * would only add a second timer of every cache load, lock acquisition and rate-limit decision under
 * another name, at a cost on the hot path.
 */
public final class RedisPatternsMeterObservationHandler
		implements MeterObservationHandler<Observation.Context>, Ordered {

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof PatternObservationContext;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
