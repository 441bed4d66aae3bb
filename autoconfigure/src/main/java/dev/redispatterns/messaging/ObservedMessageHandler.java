package dev.redispatterns.messaging;

import io.micrometer.observation.Observation;

import dev.redispatterns.core.PatternObservations;
import dev.redispatterns.core.RedisPatternsObservation;

/**
 * Observes every message a {@link MessageHandler} handles (a span per stream entry or queue job), with
 * the handler's own spans inside it. For consumers built without Spring:
 * {@code new StreamConsumer(..., ObservedMessageHandler.of(handler, observations), ...)}.
 */
public final class ObservedMessageHandler implements MessageHandler {

	private final MessageHandler delegate;

	private final PatternObservations observations;

	private ObservedMessageHandler(MessageHandler delegate, PatternObservations observations) {
		this.delegate = delegate;
		this.observations = observations;
	}

	/** {@code handler} observed by {@code observations}; the handler itself when nothing can observe. */
	public static MessageHandler of(MessageHandler handler, PatternObservations observations) {
		return (observations == PatternObservations.NONE) ? handler : new ObservedMessageHandler(handler, observations);
	}

	@Override
	public void handle(byte[] payload, Delivery delivery) throws Exception {
		if (!this.observations.isActive()) {
			this.delegate.handle(payload, delivery);
			return;
		}
		String group = delivery.group();
		Observation observation = (group != null)
				? this.observations.start(RedisPatternsObservation.STREAM_PROCESS, delivery.source(), group,
						delivery.id())
				: this.observations.start(RedisPatternsObservation.QUEUE_PROCESS, delivery.source(), null,
						delivery.id());
		try (Observation.Scope scope = observation.openScope()) {
			this.delegate.handle(payload, delivery);
		}
		catch (Exception | Error ex) {
			PatternObservations.stop(observation, "failure", ex);
			throw ex;
		}
		PatternObservations.stop(observation, "success", null);
	}

}
