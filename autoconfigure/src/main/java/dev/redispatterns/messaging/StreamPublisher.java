package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XAddArgs;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.LuaScript;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ScriptExecutor;
import dev.redispatterns.core.ValueCodec;

/**
 * Adds entries to streams, one round trip each, keeping every stream bounded: {@code XADD MAXLEN ~} by
 * length, and with a configured maximum age a script that also trims by {@code MINID ~} computed from
 * Redis time. The payload is plain JSON in the entry's {@code payload} field; a {@code byte[]} payload is
 * written as it is.
 */
public final class StreamPublisher {

	static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);

	private static final LuaScript ADD = LuaScript.load(StreamPublisher.class, "stream_add.lua");

	private static final int MAX_CACHED_TARGETS = 10_000;

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final MessagingKeys keys;

	private final ValueCodec codec;

	private final Function<String, StreamSettings> settings;

	private final MessagingObserver observer;

	private final Map<String, Target> targets = new ConcurrentHashMap<>();

	public StreamPublisher(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, ValueCodec codec,
			Function<String, StreamSettings> settings, MessagingObserver observer) {
		this.connector = connector;
		this.scripts = scripts;
		this.keys = keys;
		this.codec = codec;
		this.settings = settings;
		this.observer = observer;
	}

	/**
	 * Adds {@code payload} to {@code stream} and waits for Redis to confirm.
	 * @return the entry id
	 * @throws dev.redispatterns.core.RedisUnavailableException if Redis cannot be reached in time: the entry
	 * may or may not have been added
	 */
	public String publish(String stream, @Nullable Object payload) {
		return this.connector.await(publishAsync(stream, payload));
	}

	/** Adds {@code payload} to {@code stream} without waiting; the future completes with the entry id. */
	public CompletableFuture<String> publishAsync(String stream, @Nullable Object payload) {
		byte[] body = (payload instanceof byte[] bytes) ? this.codec.checkSize(bytes) : this.codec.write(payload);
		Target target = target(stream);
		CompletableFuture<String> added;
		if (target.maxAgeMillis > 0) {
			added = this.scripts.<byte[]>execute(ADD, ScriptOutputType.VALUE, new byte[][] { target.key },
					ScriptExecutor.arg(target.maxLength), ScriptExecutor.arg(target.maxAgeMillis), PAYLOAD, body)
				.thenApply((id) -> new String(id, StandardCharsets.US_ASCII));
		}
		else {
			added = this.connector.async().xadd(target.key, target.args, PAYLOAD, body).toCompletableFuture();
		}
		return added.whenComplete((id, failure) -> {
			if (failure == null) {
				this.observer.streamPublished(stream);
			}
		}).exceptionallyCompose((failure) -> CompletableFuture.failedFuture(RedisConnector.translate(unwrap(failure))));
	}

	private Target target(String stream) {
		Target target = this.targets.get(stream);
		if (target == null) {
			target = new Target(this.keys.stream(stream), this.settings.apply(stream));
			if (this.targets.size() < MAX_CACHED_TARGETS) {
				this.targets.put(stream, target);
			}
		}
		return target;
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current instanceof java.util.concurrent.CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private static final class Target {

		final byte[] key;

		final long maxLength;

		final long maxAgeMillis;

		final XAddArgs args;

		Target(String key, StreamSettings settings) {
			this.key = key.getBytes(StandardCharsets.UTF_8);
			this.maxLength = settings.maxLength();
			this.maxAgeMillis = (settings.maxAge() != null) ? Math.max(1, settings.maxAge().toMillis()) : 0;
			this.args = (settings.maxLength() > 0) ? XAddArgs.Builder.maxlen(settings.maxLength()).approximateTrimming()
					: new XAddArgs();
		}

	}

}
