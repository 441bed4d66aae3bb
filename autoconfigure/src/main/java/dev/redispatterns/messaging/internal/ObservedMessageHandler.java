package dev.redispatterns.messaging.internal;

import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;

import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.messaging.Delivery;

/**
 * Observes every message a {@link MessageHandler} handles (a span per stream entry or queue job), with
 * the handler's own spans inside it. The observation reads the trace context that the publisher stored
 * with the message, so with Micrometer Tracing the handler runs in the publisher's trace. For consumers
 * built without Spring: {@code new StreamConsumer(..., ObservedMessageHandler.of(handler, observations), ...)}.
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

	/**
	 * Hands a message to {@code handler}; an observing handler also gets the headers stored with the message,
	 * which are read only then.
	 */
	static void handle(MessageHandler handler, byte[] payload, Delivery delivery,
			Supplier<Map<String, String>> headers) throws Exception {
		if (handler instanceof ObservedMessageHandler observed) {
			observed.handle(payload, delivery, headers);
		}
		else {
			handler.handle(payload, delivery);
		}
	}

	@Override
	public void handle(byte[] payload, Delivery delivery) throws Exception {
		handle(payload, delivery, Map::of);
	}

	private void handle(byte[] payload, Delivery delivery, Supplier<Map<String, String>> headers) throws Exception {
		if (!this.observations.isActive()) {
			this.delegate.handle(payload, delivery);
			return;
		}
		String group = delivery.group();
		Observation observation = (group != null)
				? this.observations.startReceive(RedisPatternsObservation.STREAM_PROCESS, delivery.source(), group,
						delivery.id(), headers.get())
				: this.observations.startReceive(RedisPatternsObservation.QUEUE_PROCESS, delivery.source(), null,
						delivery.id(), headers.get());
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
