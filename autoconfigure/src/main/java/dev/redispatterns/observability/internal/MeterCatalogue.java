package dev.redispatterns.observability.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.observability.CacheMetrics;
import dev.redispatterns.observability.LockMetrics;
import dev.redispatterns.observability.MessagingMetrics;
import dev.redispatterns.observability.RateLimitMetrics;
import dev.redispatterns.observability.SessionMetrics;

/**
 * Every meter the starter registers, in one place: name, type, tags (with their values where they are a
 * fixed set) and meaning. The meter table of docs/observability.md is generated from it ({@link #markdownTable()}) and
 * tests check that the meters really registered match it, so the documentation cannot drift from the
 * code. Tag values that are names (cache, policy, lock, stream, ...) come from configuration and
 * annotations, never from keys or user data.
 */
public final class MeterCatalogue {

	private static final List<MeterDescriptor> METERS = List.of(
			// caching
			counter(CacheMetrics.REQUESTS, "Cache reads by how they were answered", tag("cache"),
					tag("result", "hit", "near_hit", "stale", "miss")),
			timer(CacheMetrics.LOADS, "Values computed for the cache (the cached method or loader running)",
					tag("cache"), tag("outcome", "success", "failure")),
			timer(CacheMetrics.STAMPEDE_WAITS, "Callers that waited for another caller's load of a cold key",
					tag("cache"), tag("outcome", "value", "taken_over", "timed_out")),
			counter(CacheMetrics.REFRESHES, "Background recomputations (refresh-ahead, stale-while-revalidate)",
					tag("cache"), tag("outcome", "success", "failure", "rejected")),
			counter(CacheMetrics.EVICTIONS, "Evictions of one key or of the whole cache", tag("cache"),
					tag("scope", "key", "all")),
			counter(CacheMetrics.DECODE_FAILURES, "Stored entries that could not be read (counted as misses)",
					tag("cache"), tag("reason", "corrupt", "type_not_allowed", "not_authentic")),
			counter(CacheMetrics.UNAVAILABLE, "Cache operations that fell back because Redis was unavailable",
					tag("cache"), tag("operation", "read", "write", "evict")),
			// rate limiting
			counter(RateLimitMetrics.DECISIONS, "Rate-limit decisions", tag("policy"),
					tag("outcome", "allowed", "rejected", "error_open", "error_closed", "fallback_allowed",
							"fallback_rejected")),
			timer(RateLimitMetrics.LATENCY, "Time to decide, including the Redis round trip", tag("policy")),
			counter(RateLimitMetrics.LOCAL_REJECTIONS,
					"Refusals given without a round trip, as Redis had refused the key until a later time (also in decisions)",
					tag("policy")),
			new MeterDescriptor(RateLimitMetrics.DEGRADED_TIME, Type.COUNTER, "seconds",
					"Seconds the rate limiter could not reach Redis (an outage still going on included)", List.of()),
			gauge(RateLimitMetrics.DEGRADED, "1 while the rate limiter cannot reach Redis, else 0"),
			// locks
			counter(LockMetrics.ACQUISITIONS, "Lock acquisitions by outcome", tag("name"), lockType(),
					tag("outcome", "acquired", "timeout", "unavailable", "replicas", "interrupted")),
			timer(LockMetrics.WAIT, "Time spent acquiring locks, waiting included", tag("name"), lockType(),
					tag("outcome", "acquired", "timeout", "unavailable", "replicas", "interrupted")),
			timer(LockMetrics.HELD, "Time locks were held, from acquisition to release", tag("name"), lockType()),
			counter(LockMetrics.RENEWALS, "Watchdog lease renewals", tag("name"), lockType(),
					tag("outcome", "renewed", "failed")),
			counter(LockMetrics.LOST, "Held locks found lost (taken over, deleted, lease ran out)", tag("name"),
					lockType()),
			counter(LockMetrics.RELEASE_FAILURES, "Releases Redis did not confirm (the lease then runs out)",
					tag("name"), lockType()),
			gauge(LockMetrics.ACTIVE, "Locks this instance holds now"),
			// messaging
			counter(MessagingMetrics.PUBSUB_PUBLISHED, "Messages published on pub/sub channels", tag("channel")),
			counter(MessagingMetrics.PUBSUB_RECEIVED, "Pub/sub messages handed to listeners",
					tag("channel")),
			counter(MessagingMetrics.PUBSUB_DROPPED, "Pub/sub messages dropped: unreadable, or listeners too slow", tag("channel")),
			timer(MessagingMetrics.PUBSUB_HANDLER, "Time pub/sub listeners took", tag("channel"),
					tag("outcome", "success", "failure")),
			counter(MessagingMetrics.STREAM_PUBLISHED, "Entries added to streams", tag("stream")),
			counter(MessagingMetrics.STREAM_REFUSED, MessagingMetrics.REFUSED_DESCRIPTION, tag("stream")),
			counter(MessagingMetrics.STREAM_TRIM_BLOCKED, MessagingMetrics.TRIM_BLOCKED_DESCRIPTION, tag("stream")),
			counter(MessagingMetrics.STREAM_RECEIVED, "Stream entries handed to handlers", tag("stream"),
					tag("group")),
			timer(MessagingMetrics.STREAM_HANDLER, "Time stream handlers took", tag("stream"), tag("group"),
					tag("outcome", "success", "failure")),
			counter(MessagingMetrics.STREAM_RECLAIMED, "Stream entries claimed from consumers that stopped",
					tag("stream"), tag("group")),
			counter(MessagingMetrics.STREAM_DEAD_LETTERED, "Stream entries moved to the dead-letter stream",
					tag("stream"), tag("group")),
			counter(MessagingMetrics.STREAM_DELETED, MessagingMetrics.DELETED_DESCRIPTION, tag("stream"), tag("group")),
			gauge(MessagingMetrics.STREAM_PENDING, "Entries delivered to the group and not yet acknowledged",
					tag("stream"), tag("group")),
			gauge(MessagingMetrics.STREAM_LAG, "Entries not yet delivered to the group (-1: unknown)",
					tag("stream"), tag("group")),
			counter(MessagingMetrics.QUEUE_PUBLISHED, "Jobs added to queues", tag("queue")),
			counter(MessagingMetrics.QUEUE_RECEIVED, "Jobs handed to handlers", tag("queue")),
			timer(MessagingMetrics.QUEUE_HANDLER, "Time queue handlers took", tag("queue"),
					tag("outcome", "success", "failure")),
			counter(MessagingMetrics.QUEUE_RETRIED, "Failed jobs scheduled for another attempt", tag("queue")),
			counter(MessagingMetrics.QUEUE_RECOVERED, "Jobs put back after their consumer died or their delivery was lost",
					tag("queue")),
			counter(MessagingMetrics.QUEUE_DEAD_LETTERED, "Jobs moved to the dead-letter stream", tag("queue")),
			gauge(MessagingMetrics.QUEUE_DEPTH, "Jobs waiting in the queue", tag("queue"),
					tag("state", "ready", "delayed")),
			// sessions
			gauge(SessionMetrics.ACTIVE, "Live sessions in Redis, the same on every instance (use max, not sum)"),
			counter(SessionMetrics.CREATIONS, "Sessions created by this instance"),
			counter(SessionMetrics.EXPIRATIONS, "Sessions that expired, counted once across instances (with events)"),
			counter(SessionMetrics.REVOCATIONS, "Sessions ended before they expired",
					tag("reason", "invalidated", "revoked", "everywhere", "limit")),
			counter(SessionMetrics.REFUSALS, "Stored sessions or attributes ignored and sign-ins refused",
					tag("reason", "type_not_allowed", "corrupt", "incomplete", "limit", "not_authentic")),
			// data structures
			timer(StructuresMetrics.LEADERBOARD, "Leaderboard operations", tag("name"), tag("operation"),
					tag("outcome", "success", "failure")),
			timer(StructuresMetrics.UNIQUE_COUNTER, "Unique counter operations", tag("name"), tag("operation"),
					tag("outcome", "success", "failure")),
			timer(StructuresMetrics.COUNTER, "Counter operations", tag("name"), tag("operation"),
					tag("outcome", "success", "failure")),
			timer(StructuresMetrics.WRITE_BEHIND, "Write-behind counter operations", tag("name"), tag("operation"),
					tag("outcome", "success", "failure")),
			timer(StructuresMetrics.FLUSH, "Write-behind batches handed to their sinks", tag("name"),
					tag("outcome", "success", "failure")),
			counter(StructuresMetrics.FLUSHED, "Ids in write-behind batches the sinks acknowledged", tag("name")));

	private MeterCatalogue() {
	}

	/** Every meter, grouped by feature in the order of the docs pages. */
	public static List<MeterDescriptor> meters() {
		return METERS;
	}

	/** The meter of that name, if the starter registers one. */
	public static Optional<MeterDescriptor> find(String name) {
		return METERS.stream().filter((meter) -> meter.name().equals(name)).findFirst();
	}

	/** The table of docs/observability.md: one row per meter. */
	public static String markdownTable() {
		StringBuilder table = new StringBuilder("| meter | type | tags | meaning |\n| --- | --- | --- | --- |\n");
		for (MeterDescriptor meter : METERS) {
			table.append("| `").append(meter.name()).append("` | ").append(meter.typeText()).append(" | ")
				.append(meter.tagsText()).append(" | ").append(meter.description()).append(" |\n");
		}
		return table.toString();
	}

	private static MeterDescriptor counter(String name, String description, TagDescriptor... tags) {
		return new MeterDescriptor(name, Type.COUNTER, null, description, List.of(tags));
	}

	private static MeterDescriptor timer(String name, String description, TagDescriptor... tags) {
		return new MeterDescriptor(name, Type.TIMER, null, description, List.of(tags));
	}

	private static MeterDescriptor gauge(String name, String description, TagDescriptor... tags) {
		return new MeterDescriptor(name, Type.GAUGE, null, description, List.of(tags));
	}

	private static TagDescriptor tag(String key, String... values) {
		return new TagDescriptor(key, List.of(values));
	}

	private static TagDescriptor lockType() {
		return tag("type", "exclusive", "read", "write", "permit");
	}

	/** Kinds of meter, as Micrometer registers them. */
	public enum Type {

		COUNTER, TIMER, GAUGE

	}

	/**
	 * One meter.
	 *
	 * @param name Micrometer name (dot-separated)
	 * @param type counter, timer or gauge
	 * @param baseUnit base unit where the meter declares one (it becomes part of the Prometheus name)
	 * @param description what it measures
	 * @param tags its tags, every series has all of them
	 */
	public record MeterDescriptor(String name, Type type, @Nullable String baseUnit, String description,
			List<TagDescriptor> tags) {

		/** Tag keys, in order. */
		public List<String> tagKeys() {
			return this.tags.stream().map(TagDescriptor::key).toList();
		}

		/**
		 * The series names a Prometheus scrape shows for this meter (Micrometer's Prometheus naming: dots
		 * become underscores, counters end in {@code _total}, timers are in seconds with {@code _count},
		 * {@code _sum} and {@code _max}).
		 */
		public List<String> prometheusNames() {
			String base = this.name.replace('.', '_').replace('-', '_');
			if (this.baseUnit != null) {
				base = base + "_" + this.baseUnit;
			}
			return switch (this.type) {
				case COUNTER -> List.of(base + "_total");
				case GAUGE -> List.of(base);
				case TIMER -> List.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max");
			};
		}

		String typeText() {
			return this.type.name().toLowerCase(java.util.Locale.ROOT)
					+ ((this.baseUnit != null) ? " (" + this.baseUnit + ")" : "");
		}

		String tagsText() {
			if (this.tags.isEmpty()) {
				return "(none)";
			}
			List<String> parts = new ArrayList<>();
			for (TagDescriptor tag : this.tags) {
				StringBuilder part = new StringBuilder("`").append(tag.key()).append('`');
				if (!tag.values().isEmpty()) {
					part.append(": ").append(String.join(", ", tag.values().stream().map((v) -> "`" + v + "`").toList()));
				}
				parts.add(part.toString());
			}
			return String.join("; ", parts);
		}

	}

	/**
	 * One tag of a meter.
	 *
	 * @param key tag key
	 * @param values the fixed set of values, or empty when the values are names from configuration
	 */
	public record TagDescriptor(String key, List<String> values) {

		/** Whether {@code value} is allowed: any bounded name, or one of the fixed values. */
		public boolean allows(String value) {
			return this.values.isEmpty() || this.values.contains(value);
		}

	}

}
