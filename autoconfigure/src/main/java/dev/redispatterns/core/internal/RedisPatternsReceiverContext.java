package dev.redispatterns.core.internal;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.PatternObservationContext;
import dev.redispatterns.core.RedisPatternsObservation;

/**
 * A message being handled. Its carrier is the header map stored with the message: a tracing bridge's
 * receiver handler reads the publisher's trace context from it, so the handler's span joins the trace of
 * the code that published the message, in whichever application that ran. Messages without headers
 * (published without tracing, by another producer, or by pub/sub, whose wire format has no room for
 * them) start a trace of their own.
 */
public class RedisPatternsReceiverContext extends ReceiverContext<Map<String, String>>
		implements PatternObservationContext {

	/**
	 * @param target the stream, queue or channel name
	 * @param detail the stream group, {@code null} for queues and channels
	 * @param key the message id, {@code null} unless keys are to be recorded
	 * @param headers the headers stored with the message, empty when it has none
	 */
	public RedisPatternsReceiverContext(RedisPatternsObservation observation, String target, @Nullable String detail,
			@Nullable String key, Map<String, String> headers) {
		super((carrier, name) -> (carrier != null) ? carrier.get(name) : null, Kind.CONSUMER);
		PatternObservationState.attach(this, observation, target, detail, key);
		setCarrier(headers);
		setRemoteServiceName("redis");
	}

}
