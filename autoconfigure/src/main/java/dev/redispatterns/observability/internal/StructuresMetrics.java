package dev.redispatterns.observability.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.redispatterns.observability.MessagingMetrics;
import dev.redispatterns.structures.StructuresListener;

/**
 * Micrometer meters for the data-structure services. Tags: {@code name} (the board or counter name the
 * application chose), {@code operation}, {@code outcome} ({@code success}, {@code failure}). Names are
 * bounded: past {@value #MAX_NAMES} distinct names per service, further ones are tagged {@value #OTHER}
 * (an application that creates names per tournament, say, cannot flood the registry).
 * <ul>
 * <li>{@value #LEADERBOARD}, {@value #UNIQUE_COUNTER}, {@value #COUNTER}, {@value #WRITE_BEHIND}
 * (timers): each operation.</li>
 * <li>{@value #FLUSH} (timer): write-behind batches handed to their sinks.</li>
 * <li>{@value #FLUSHED} (counter): ids in the batches the sinks acknowledged.</li>
 * </ul>
 */
public class StructuresMetrics implements StructuresListener {

	public static final String LEADERBOARD = "redis.patterns.structures.leaderboard";

	public static final String UNIQUE_COUNTER = "redis.patterns.structures.unique.counter";

	public static final String COUNTER = "redis.patterns.structures.counter";

	public static final String WRITE_BEHIND = "redis.patterns.structures.write.behind";

	public static final String FLUSH = "redis.patterns.structures.write.behind.flush";

	public static final String FLUSHED = "redis.patterns.structures.write.behind.flushed";

	/** Tag value shared by names beyond {@link #MAX_NAMES}, as in the messaging meters. */
	public static final String OTHER = MessagingMetrics.OTHER;

	static final int MAX_NAMES = 100;

	private final MeterRegistry registry;

	private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

	private final Map<Structure, Set<String>> names = new ConcurrentHashMap<>();

	public StructuresMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onOperation(Structure structure, String name, String operation, long nanos, boolean failed) {
		TimerKey key = new TimerKey(structure, bounded(structure, name), operation, failed);
		this.timers.computeIfAbsent(key, this::timer).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onFlushed(String counter, int entries, long nanos, boolean failed) {
		String name = bounded(Structure.WRITE_BEHIND, counter);
		Timer.builder(FLUSH)
			.description("Write-behind batches handed to their sinks")
			.tags("name", name, "outcome", failed ? "failure" : "success")
			.register(this.registry)
			.record(nanos, TimeUnit.NANOSECONDS);
		if (!failed) {
			Counter.builder(FLUSHED)
				.description("Ids in write-behind batches acknowledged by their sinks")
				.tag("name", name)
				.register(this.registry)
				.increment(entries);
		}
	}

	private Timer timer(TimerKey key) {
		return Timer.builder(meterName(key.structure()))
			.description("Operations of the Redis Patterns data-structure services")
			.tags("name", key.name(), "operation", key.operation(), "outcome", key.failed() ? "failure" : "success")
			.register(this.registry);
	}

	private String bounded(Structure structure, String name) {
		Set<String> known = this.names.computeIfAbsent(structure, (s) -> ConcurrentHashMap.newKeySet());
		if (known.contains(name)) {
			return name;
		}
		if (known.size() < MAX_NAMES) {
			known.add(name);
			return name;
		}
		return OTHER;
	}

	private static String meterName(Structure structure) {
		return switch (structure) {
			case LEADERBOARD -> LEADERBOARD;
			case UNIQUE_COUNTER -> UNIQUE_COUNTER;
			case COUNTER -> COUNTER;
			case WRITE_BEHIND -> WRITE_BEHIND;
		};
	}

	private record TimerKey(Structure structure, String name, String operation, boolean failed) {
	}

}
