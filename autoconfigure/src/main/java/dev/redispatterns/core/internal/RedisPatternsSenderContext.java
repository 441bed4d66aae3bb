package dev.redispatterns.core.internal;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.PatternObservationContext;
import dev.redispatterns.core.RedisPatternsObservation;

/**
 * A message being published. Its carrier is the message's header map: a tracing bridge's sender handler
 * writes the trace context ({@code traceparent}, ...) into it when the observation starts, and the
 * publisher stores what it finds there next to the payload. Without tracing the map stays empty and
 * nothing extra is stored.
 */
public class RedisPatternsSenderContext extends SenderContext<Map<String, String>>
		implements PatternObservationContext {

	/**
	 * @param target the stream or queue name
	 * @param key the job id, {@code null} unless keys are to be recorded
	 * @param headers the message's headers, written by the sender handler
	 */
	public RedisPatternsSenderContext(RedisPatternsObservation observation, String target, @Nullable String key,
			Map<String, String> headers) {
		super((carrier, name, value) -> {
			if (carrier != null) {
				carrier.put(name, value);
			}
		}, Kind.PRODUCER);
		PatternObservationState.attach(this, observation, target, null, key);
		setCarrier(headers);
		setRemoteServiceName("redis");
	}

}
