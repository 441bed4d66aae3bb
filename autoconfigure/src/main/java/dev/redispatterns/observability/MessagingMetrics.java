package dev.redispatterns.observability;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.redispatterns.messaging.MessagingListener;

/**
 * Micrometer meters for pub/sub, streams and queues. Tags carry channel, pattern, stream, group and queue
 * names only. Names come from annotations and publisher calls; should an application publish to names built
 * from data, only the first {@value #MAX_NAMES} distinct names per tag get their own meters and the rest
 * share the tag value {@value #OTHER}, so the number of meters stays bounded.
 */
public final class MessagingMetrics implements MessagingListener {

	public static final String PUBSUB_PUBLISHED = "redis.patterns.messaging.pubsub.published";

	public static final String PUBSUB_RECEIVED = "redis.patterns.messaging.pubsub.received";

	public static final String PUBSUB_HANDLER = "redis.patterns.messaging.pubsub.handler";

	public static final String PUBSUB_DROPPED = "redis.patterns.messaging.pubsub.dropped";

	public static final String STREAM_PUBLISHED = "redis.patterns.messaging.stream.published";

	public static final String STREAM_REFUSED = "redis.patterns.messaging.stream.refused";

	public static final String STREAM_TRIM_BLOCKED = "redis.patterns.messaging.stream.trim.blocked";

	public static final String STREAM_DELETED = "redis.patterns.messaging.stream.deleted";

	public static final String STREAM_RECEIVED = "redis.patterns.messaging.stream.received";

	public static final String STREAM_HANDLER = "redis.patterns.messaging.stream.handler";

	public static final String STREAM_RECLAIMED = "redis.patterns.messaging.stream.reclaimed";

	public static final String STREAM_DEAD_LETTERED = "redis.patterns.messaging.stream.dead.lettered";

	public static final String STREAM_PENDING = "redis.patterns.messaging.stream.pending";

	public static final String STREAM_LAG = "redis.patterns.messaging.stream.lag";

	public static final String QUEUE_PUBLISHED = "redis.patterns.messaging.queue.published";

	public static final String QUEUE_RECEIVED = "redis.patterns.messaging.queue.received";

	public static final String QUEUE_HANDLER = "redis.patterns.messaging.queue.handler";

	public static final String QUEUE_RETRIED = "redis.patterns.messaging.queue.retried";

	public static final String QUEUE_RECOVERED = "redis.patterns.messaging.queue.recovered";

	public static final String QUEUE_DEAD_LETTERED = "redis.patterns.messaging.queue.dead.lettered";

	public static final String QUEUE_DEPTH = "redis.patterns.messaging.queue.depth";

	public static final String REFUSED_DESCRIPTION = "Stream entries refused by back-pressure (a group had max-backlog "
			+ "unacknowledged entries)";

	public static final String TRIM_BLOCKED_DESCRIPTION = "Stream trims that left the stream beyond max-length or max-age "
			+ "because a group had not acknowledged its oldest entries";

	public static final String DELETED_DESCRIPTION = "Pending stream entries found deleted by another client before they "
			+ "were acknowledged (recorded in the dead-letter stream)";

	/** Distinct names per tag that get their own meters. */
	public static final int MAX_NAMES = 200;

	/** Tag value shared by names beyond {@link #MAX_NAMES}. */
	public static final String OTHER = "_other";

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

	private final Map<String, Set<String>> names = new ConcurrentHashMap<>();

	public MessagingMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onPubSubPublished(String channel) {
		counter(PUBSUB_PUBLISHED, "Messages published on pub/sub channels", "channel", channel).increment();
	}

	@Override
	public void onPubSubReceived(String channel) {
		counter(PUBSUB_RECEIVED, "Pub/sub messages handed to listeners", "channel", channel).increment();
	}

	@Override
	public void onPubSubHandled(String channel, long nanos, boolean success) {
		timer(PUBSUB_HANDLER, "Time pub/sub listeners took", "channel", channel, "outcome", outcome(success))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onPubSubDropped(String channel) {
		counter(PUBSUB_DROPPED, "Pub/sub messages dropped: unreadable, or listeners too slow", "channel", channel)
			.increment();
	}

	@Override
	public void onStreamPublished(String stream) {
		counter(STREAM_PUBLISHED, "Entries added to streams", "stream", stream).increment();
	}

	@Override
	public void onStreamPublishRefused(String stream) {
		counter(STREAM_REFUSED, REFUSED_DESCRIPTION, "stream", stream).increment();
	}

	@Override
	public void onStreamTrimBlocked(String stream) {
		counter(STREAM_TRIM_BLOCKED, TRIM_BLOCKED_DESCRIPTION, "stream", stream).increment();
	}

	@Override
	public void onStreamDeleted(String stream, String group, int count) {
		counter(STREAM_DELETED, DELETED_DESCRIPTION, "stream", stream, "group", group).increment(count);
	}

	@Override
	public void onStreamReceived(String stream, String group) {
		counter(STREAM_RECEIVED, "Stream entries handed to handlers", "stream", stream, "group", group).increment();
	}

	@Override
	public void onStreamHandled(String stream, String group, long nanos, boolean success) {
		timer(STREAM_HANDLER, "Time stream handlers took", "stream", stream, "group", group, "outcome",
				outcome(success))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onStreamReclaimed(String stream, String group, int count) {
		counter(STREAM_RECLAIMED, "Stream entries claimed from consumers that stopped renewing them", "stream", stream,
				"group", group)
			.increment(count);
	}

	@Override
	public void onStreamDeadLettered(String stream, String group) {
		counter(STREAM_DEAD_LETTERED, "Stream entries moved to the dead-letter stream", "stream", stream, "group",
				group)
			.increment();
	}

	@Override
	public void onStreamGroupState(String stream, String group, long pending, long lag) {
		gauge(STREAM_PENDING, "Entries delivered to the group and not yet acknowledged", "stream", stream, "group",
				group)
			.set(pending);
		gauge(STREAM_LAG, "Entries in the stream not yet delivered to the group (-1: unknown)", "stream", stream,
				"group", group)
			.set(lag);
	}

	@Override
	public void onQueuePublished(String queue) {
		counter(QUEUE_PUBLISHED, "Jobs added to queues", "queue", queue).increment();
	}

	@Override
	public void onQueueReceived(String queue) {
		counter(QUEUE_RECEIVED, "Jobs handed to handlers", "queue", queue).increment();
	}

	@Override
	public void onQueueHandled(String queue, long nanos, boolean success) {
		timer(QUEUE_HANDLER, "Time queue handlers took", "queue", queue, "outcome", outcome(success))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onQueueRetried(String queue) {
		counter(QUEUE_RETRIED, "Failed jobs scheduled for another attempt", "queue", queue).increment();
	}

	@Override
	public void onQueueRecovered(String queue, int count) {
		counter(QUEUE_RECOVERED, "Jobs put back after their consumer died or their delivery was lost", "queue", queue)
			.increment(count);
	}

	@Override
	public void onQueueDeadLettered(String queue) {
		counter(QUEUE_DEAD_LETTERED, "Jobs moved to the dead-letter stream", "queue", queue).increment();
	}

	@Override
	public void onQueueDepth(String queue, long ready, long delayed) {
		gauge(QUEUE_DEPTH, "Jobs waiting in the queue", "queue", queue, "state", "ready").set(ready);
		gauge(QUEUE_DEPTH, "Jobs waiting in the queue", "queue", queue, "state", "delayed").set(delayed);
	}

	private Counter counter(String meter, String description, String... tags) {
		String[] bounded = bounded(tags);
		return this.counters.computeIfAbsent(id(meter, bounded),
				(id) -> Counter.builder(meter).description(description).tags(bounded).register(this.registry));
	}

	private Timer timer(String meter, String description, String... tags) {
		String[] bounded = bounded(tags);
		return this.timers.computeIfAbsent(id(meter, bounded),
				(id) -> Timer.builder(meter).description(description).tags(bounded).register(this.registry));
	}

	private AtomicLong gauge(String meter, String description, String... tags) {
		String[] bounded = bounded(tags);
		return this.gauges.computeIfAbsent(id(meter, bounded), (id) -> {
			AtomicLong holder = new AtomicLong();
			Gauge.builder(meter, holder, AtomicLong::get).description(description).tags(bounded).register(this.registry);
			return holder;
		});
	}

	/** Tag key-value pairs with names beyond the limit replaced by {@link #OTHER}. */
	private String[] bounded(String[] tags) {
		for (int i = 0; i + 1 < tags.length; i += 2) {
			String key = tags[i];
			if (!"outcome".equals(key) && !"state".equals(key)) {
				tags[i + 1] = bounded(key, tags[i + 1]);
			}
		}
		return tags;
	}

	private String bounded(String tag, String value) {
		Set<String> seen = this.names.computeIfAbsent(tag, (key) -> ConcurrentHashMap.newKeySet());
		if (seen.contains(value)) {
			return value;
		}
		if (seen.size() >= MAX_NAMES) {
			return OTHER;
		}
		seen.add(value);
		return value;
	}

	private static String outcome(boolean success) {
		return success ? "success" : "failure";
	}

	private static String id(String meter, String[] tags) {
		StringBuilder id = new StringBuilder(meter);
		for (String tag : tags) {
			id.append('\u0000').append(tag);
		}
		return id.toString();
	}

}
