package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.messaging.internal.ObservedPublish;

/**
 * Adds entries to streams, one round trip each (a script), keeping every stream bounded without losing
 * anything a consumer group still needs:
 * <ul>
 * <li>Acknowledged history is trimmed to {@code max-length} entries and {@code max-age} (by Redis time). An
 * entry that some group (of any application) has not read or not acknowledged is never trimmed; a stream held
 * beyond its bounds that way is logged (once per episode), counted and listed by {@link #retentionWarnings()}
 * for the health component.</li>
 * <li>Every add is one script call, idempotent: its publish id is remembered next to the stream for a while
 * ({@link Resends}), so a call that Lettuce sends again after the connection dropped with its reply returns the
 * first entry's id instead of adding a second entry.</li>
 * <li>Cost: with only a length bound, one add in {@code slack} (a tenth of {@code max-length}, at most 100) also
 * trims and the others only add; with {@code max-age} or {@code max-backlog} every add looks at the bounds. A
 * trim waits for that slack beyond the bounds (for age a tenth of it, at most one minute) and removes at most
 * {@value #MOST_TRIMMED} entries, so its cost is shared by many adds.</li>
 * <li>With {@code max-backlog}, an entry is refused ({@link StreamBacklogFullException}) while some group has
 * that many unacknowledged entries.</li>
 * <li>A stream without any group is plain history: it is trimmed to its bounds whether read or not.</li>
 * </ul>
 * The payload is plain JSON in the entry's {@code payload} field; a {@code byte[]} payload is written as it is.
 * With Micrometer Tracing, each add is observed and the trace context (such as {@code traceparent}) goes
 * into fields of the entry beside {@code payload}, so its consumers handle it in the publisher's trace;
 * without tracing the entry has the {@code payload} field only.
 */
public final class StreamPublisher {

	private static final Log logger = LogFactory.getLog(StreamPublisher.class);

	static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);

	private static final LuaScript ADD = LuaScript.load(StreamPublisher.class, "stream_add.lua");

	private static final int MAX_CACHED_TARGETS = 10_000;

	/** Most entries one add removes, which bounds the work (and the entries copied) of one script run. */
	static final int MOST_TRIMMED = 1000;

	private static final byte[] MOST = ScriptExecutor.arg(MOST_TRIMMED);

	private static final byte[] ZERO = ScriptExecutor.arg(0);

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final MessagingKeys keys;

	private final ValueCodec codec;

	private final Function<String, StreamPolicy> settings;

	private final MessagingListener listener;

	private final PatternObservations observations;

	private final Map<String, Target> targets = new ConcurrentHashMap<>();

	private final Map<String, StreamRetentionWarning> warnings = new ConcurrentHashMap<>();

	private final byte[] remembered;

	public StreamPublisher(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, ValueCodec codec,
			Function<String, StreamPolicy> settings, MessagingListener listener) {
		this(connector, scripts, keys, codec, settings, listener, PatternObservations.NONE);
	}

	/**
	 * @param observations where adds are observed; a tracing bridge there writes the trace context into the
	 * entry
	 */
	public StreamPublisher(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, ValueCodec codec,
			Function<String, StreamPolicy> settings, MessagingListener listener, PatternObservations observations) {
		this.observations = observations;
		this.connector = connector;
		this.scripts = scripts;
		this.keys = keys;
		this.codec = codec;
		this.settings = settings;
		this.listener = listener;
		this.remembered = Resends.windowArg(connector);
	}

	/**
	 * Adds {@code payload} to {@code stream} and waits for Redis to confirm.
	 * @return the entry id
	 * @throws StreamBacklogFullException if back-pressure ({@code max-backlog}) refused the entry: nothing
	 * was added
	 * @throws dev.redispatterns.core.RedisUnavailableException if Redis cannot be reached in time: the entry
	 * may or may not have been added
	 */
	public String publish(String stream, @Nullable Object payload) {
		return this.connector.await(publishAsync(stream, payload));
	}

	/**
	 * Adds {@code payload} to {@code stream} without waiting; the future completes with the entry id, or
	 * with a {@link StreamBacklogFullException} when back-pressure refused the entry.
	 */
	public CompletableFuture<String> publishAsync(String stream, @Nullable Object payload) {
		byte[] body = (payload instanceof byte[] bytes) ? this.codec.checkSize(bytes) : this.codec.write(payload);
		return ObservedPublish.publish(this.observations, RedisPatternsObservation.STREAM_PUBLISH, stream, null,
				(headers) -> add(stream, body, headers));
	}

	private CompletableFuture<String> add(String stream, byte[] body, Map<String, String> headers) {
		Target target = target(stream);
		byte[][] keys = { target.key, target.published, target.publishedExpiry };
		byte[] publishId = Resends.utf8(Resends.newId());
		byte[][] args = new byte[10 + 2 * headers.size()][];
		if (target.trimsNow()) {
			args[0] = target.maxLength;
			args[1] = target.maxAge;
			args[2] = target.maxBacklog;
			args[3] = target.lengthSlack;
			args[4] = target.ageSlack;
		}
		else {
			// no bound looked at: safe without looking at the groups
			Arrays.fill(args, 0, 5, ZERO);
		}
		args[5] = MOST;
		args[6] = this.remembered;
		args[7] = publishId;
		args[8] = PAYLOAD;
		args[9] = body;
		int at = 10;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			if (!header.getKey().equals("payload")) {
				args[at++] = header.getKey().getBytes(StandardCharsets.UTF_8);
				args[at++] = header.getValue().getBytes(StandardCharsets.UTF_8);
			}
		}
		CompletableFuture<List<Object>> added = this.scripts.execute(ADD, ReturnType.MULTI, keys,
				(at == args.length) ? args : Arrays.copyOf(args, at));
		return added.thenCompose((reply) -> outcome(stream, target, reply));
	}

	/**
	 * Streams this publisher last saw held beyond their bounds because a group has not acknowledged their
	 * oldest entries, by stream name.
	 */
	public Map<String, StreamRetentionWarning> retentionWarnings() {
		return Map.copyOf(this.warnings);
	}

	private CompletableFuture<String> outcome(String stream, Target target, List<Object> reply) {
		String id = text(reply.get(0));
		long count = ((Number) reply.get(1)).longValue();
		String group = text(reply.get(2));
		if (id.isEmpty()) {
			this.listener.onStreamPublishRefused(stream);
			return CompletableFuture
				.failedFuture(new StreamBacklogFullException(stream, group, count, target.settings.maxBacklog()));
		}
		this.listener.onStreamPublished(stream);
		if (count < 0) {
			// the bounds were not looked at: whatever was last seen of them still holds
			return CompletableFuture.completedFuture(id);
		}
		if (group.isEmpty()) {
			StreamRetentionWarning ended = this.warnings.remove(stream);
			if (ended != null) {
				logger.info("Stream '" + stream + "' is back within its bounds (" + count + " entries)");
			}
		}
		else {
			held(stream, target, count, group, text(reply.get(3)));
		}
		return CompletableFuture.completedFuture(id);
	}

	private void held(String stream, Target target, long length, String group, String neededFrom) {
		this.listener.onStreamTrimBlocked(stream);
		if (!this.warnings.containsKey(stream) && this.warnings.size() >= MAX_CACHED_TARGETS) {
			return;
		}
		boolean[] started = new boolean[1];
		this.warnings.compute(stream, (name, previous) -> {
			started[0] = previous == null;
			return new StreamRetentionWarning(stream, length, target.settings.maxLength(), target.settings.maxAge(),
					group, neededFrom, (previous != null) ? previous.since() : Instant.now());
		});
		if (started[0]) {
			logger.warn("Stream '" + stream + "' holds " + length + " entries, beyond its bounds (max-length "
					+ target.settings.maxLength() + ", max-age " + target.settings.maxAge() + "), because group '"
					+ group + "' has not acknowledged entries from " + neededFrom
					+ " on; they are kept until it does. Start its consumers, or remove an abandoned group with "
					+ "XGROUP DESTROY");
		}
	}

	private Target target(String stream) {
		Target target = this.targets.get(stream);
		if (target == null) {
			boolean cached = this.targets.size() < MAX_CACHED_TARGETS;
			target = new Target(this.keys.stream(stream), this.keys.streamPublished(stream),
					this.keys.streamPublishedExpiry(stream), this.settings.apply(stream), cached);
			if (cached) {
				this.targets.put(stream, target);
			}
		}
		return target;
	}

	private static String text(@Nullable Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private static final class Target {

		final byte[] key;

		/** Hash of recent publish ids to entry ids. */
		final byte[] published;

		/** Sorted set of those publish ids by when they are forgotten. */
		final byte[] publishedExpiry;

		final StreamPolicy settings;

		final byte[] maxLength;

		final byte[] maxAge;

		final byte[] maxBacklog;

		final byte[] lengthSlack;

		final byte[] ageSlack;

		/** Adds per trimming script run; 0: every add runs it; -1: none does (no bounds). */
		private final long trimEvery;

		private final AtomicLong adds = new AtomicLong();

		/** A target not kept between adds cannot count them: each of its adds runs the script. */
		Target(String key, String published, String publishedExpiry, StreamPolicy settings, boolean cached) {
			this.key = key.getBytes(StandardCharsets.UTF_8);
			this.published = published.getBytes(StandardCharsets.UTF_8);
			this.publishedExpiry = publishedExpiry.getBytes(StandardCharsets.UTF_8);
			this.settings = settings;
			long maxAgeMillis = (settings.maxAge() != null) ? Math.max(1, settings.maxAge().toMillis()) : 0;
			this.maxLength = ScriptExecutor.arg(settings.maxLength());
			this.maxAge = ScriptExecutor.arg(maxAgeMillis);
			this.maxBacklog = ScriptExecutor.arg(settings.maxBacklog());
			long slack = Math.max(1, Math.min(100, settings.maxLength() / 10));
			this.lengthSlack = ScriptExecutor.arg(slack);
			this.ageSlack = ScriptExecutor.arg(Math.min(60_000, maxAgeMillis / 10));
			if (maxAgeMillis > 0 || settings.maxBacklog() > 0 || (!cached && settings.maxLength() > 0)) {
				this.trimEvery = 0;
			}
			else {
				this.trimEvery = (settings.maxLength() > 0) ? slack : -1;
			}
		}

		/** Whether this add runs the script: every {@code slack}-th add does, so the stream stays bounded. */
		boolean trimsNow() {
			return this.trimEvery == 0 || (this.trimEvery > 0 && this.adds.incrementAndGet() % this.trimEvery == 0);
		}

	}

}
