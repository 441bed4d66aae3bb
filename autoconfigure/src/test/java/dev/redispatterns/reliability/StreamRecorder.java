package dev.redispatterns.reliability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.StreamGroupListener;

/** A stream consumer that remembers every entry it handled and how often. */
public class StreamRecorder {

	/** The stream the reliability tests publish to. */
	public static final String STREAM = "fault-events";

	private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

	@StreamGroupListener(stream = STREAM, group = "recorder")
	public void handle(FaultEvent event, Delivery delivery) {
		this.handled.computeIfAbsent(event.id(), (id) -> new AtomicInteger()).incrementAndGet();
	}

	public boolean hasHandled(String id) {
		return this.handled.containsKey(id);
	}

	/** Entries handled more than once (redelivered after an acknowledgement was lost). */
	public long redelivered() {
		return this.handled.values().stream().filter((count) -> count.get() > 1).count();
	}

}
