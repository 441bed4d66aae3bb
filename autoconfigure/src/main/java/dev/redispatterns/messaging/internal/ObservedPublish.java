package dev.redispatterns.messaging.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.internal.PatternObservations;

/**
 * Publishing a stream entry or a queue job inside a publish observation: a tracing bridge writes the trace
 * context into the headers as the observation starts, the publisher stores them with the message, and the
 * observation ends when Redis has answered. With nothing observing, the message is sent without headers.
 */
public final class ObservedPublish {

	private ObservedPublish() {
	}

	/**
	 * @param target the stream or queue name
	 * @param key the job id, recorded only when keys are included
	 * @param send sends the message with the headers it is given
	 */
	public static <T> CompletableFuture<T> publish(PatternObservations observations,
			RedisPatternsObservation observation, String target, @Nullable Object key,
			Function<Map<String, String>, CompletableFuture<T>> send) {
		if (!observations.isActive()) {
			return send.apply(Map.of());
		}
		Map<String, String> headers = new LinkedHashMap<>();
		Observation started = observations.startPublish(observation, target, key, headers);
		CompletableFuture<T> sent;
		try {
			sent = send.apply(headers);
		}
		catch (RuntimeException ex) {
			PatternObservations.stop(started, "failure", ex);
			throw ex;
		}
		return sent.whenComplete((result, failure) -> PatternObservations.stop(started,
				(failure == null) ? "success" : "failure",
				(failure instanceof CompletionException) ? failure.getCause() : failure));
	}

}
