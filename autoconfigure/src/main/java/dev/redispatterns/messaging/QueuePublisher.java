package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import org.springframework.data.redis.connection.ReturnType;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.messaging.internal.ObservedPublish;
import dev.redispatterns.messaging.internal.QueueJob;

/**
 * Adds jobs to reliable queues: ready at once ({@code LPUSH}) or delayed (a sorted set scored by the due
 * time, computed from Redis time for a delay). One script call per job, which also enforces the queue's
 * maximum length. Payloads are plain JSON ({@code byte[]} as they are). The script is idempotent: the job id is
 * remembered next to the queue for a while ({@link Resends}), so a call that Lettuce sends again after the
 * connection dropped with its reply adds nothing. With Micrometer Tracing, each push is observed and the
 * trace context goes into the job ({@link QueueJob}), so its consumer handles it in the publisher's trace;
 * without tracing the job is stored as it always was.
 */
public final class QueuePublisher {

	private static final LuaScript PUSH = LuaScript.load(QueuePublisher.class, "queue_push.lua");

	private static final byte[] NOW = "now".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] IN = "in".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] AT = "at".getBytes(StandardCharsets.US_ASCII);

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final MessagingKeys keys;

	private final ValueCodec codec;

	private final Function<String, QueuePolicy> settings;

	private final MessagingListener listener;

	private final PatternObservations observations;

	private final byte[] remembered;

	public QueuePublisher(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, ValueCodec codec,
			Function<String, QueuePolicy> settings, MessagingListener listener) {
		this(connector, scripts, keys, codec, settings, listener, PatternObservations.NONE);
	}

	/**
	 * @param observations where pushes are observed; a tracing bridge there writes the trace context into the
	 * job
	 */
	public QueuePublisher(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, ValueCodec codec,
			Function<String, QueuePolicy> settings, MessagingListener listener, PatternObservations observations) {
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
	 * Adds a job that is ready at once.
	 * @return the job id
	 * @throws QueueFullException if the queue holds its maximum of jobs
	 * @throws dev.redispatterns.core.RedisUnavailableException if Redis cannot be reached in time
	 */
	public String enqueue(String queue, @Nullable Object payload) {
		return this.connector.await(push(queue, payload, NOW, 0));
	}

	/** Adds a job that becomes ready after {@code delay}, measured by Redis's clock. */
	public String schedule(String queue, @Nullable Object payload, Duration delay) {
		return this.connector.await(push(queue, payload, IN, Math.max(0, delay.toMillis())));
	}

	/** Adds a job that becomes ready at {@code dueAt}. */
	public String schedule(String queue, @Nullable Object payload, Instant dueAt) {
		return this.connector.await(push(queue, payload, AT, dueAt.toEpochMilli()));
	}

	/** Adds a job that is ready at once, without waiting; the future completes with the job id. */
	public CompletableFuture<String> enqueueAsync(String queue, @Nullable Object payload) {
		return push(queue, payload, NOW, 0);
	}

	private CompletableFuture<String> push(String queue, @Nullable Object payload, byte[] mode, long when) {
		byte[] body = (payload instanceof byte[] bytes) ? this.codec.checkSize(bytes) : this.codec.write(payload);
		QueueJob job = QueueJob.create(body);
		return ObservedPublish.publish(this.observations, RedisPatternsObservation.QUEUE_PUBLISH, queue, job.id(),
				(headers) -> push(queue, headers.isEmpty() ? job : job.withHeaders(headers), mode, when));
	}

	private CompletableFuture<String> push(String queue, QueueJob job, byte[] mode, long when) {
		long maxLength = this.settings.apply(queue).maxLength();
		byte[][] keys = ScriptExecutor.keys(this.keys.queueReady(queue), this.keys.queueDelayed(queue),
				this.keys.queuePushed(queue), this.keys.queuePushedExpiry(queue));
		return this.scripts.<Long>execute(PUSH, ReturnType.INTEGER, keys, job.encode(),
				ScriptExecutor.arg(maxLength), mode, ScriptExecutor.arg(when), this.remembered,
				Resends.utf8(job.id()))
			.handle((result, failure) -> {
				if (failure != null) {
					Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
							? failure.getCause() : failure;
					throw RedisConnector.translate(cause);
				}
				if (result != null && result < 0) {
					throw new QueueFullException(queue, maxLength);
				}
				this.listener.onQueuePublished(queue);
				return job.id();
			});
	}

}
