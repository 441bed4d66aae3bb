package dev.redispatterns.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.ReturnType;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;

/**
 * Runs {@link LuaScript}s with {@code EVALSHA}: one round trip when the script is cached on the server.
 * After a restart, failover or {@code SCRIPT FLUSH} Redis answers {@code NOSCRIPT}; the call is then
 * retried once with {@code EVAL}, which both runs the script and caches it again on the node that owns
 * the keys, so nothing breaks and the next call is back to one {@code EVALSHA}.
 * <p>
 * While Redis Cluster migrates the slot of a multi-key script, the script's keys can be split between the
 * two nodes for a moment; Redis then refuses to run it with {@code TRYAGAIN} (nothing ran). Such calls are
 * retried after a short, growing pause until they succeed or the command timeout has passed, counted from
 * the first attempt; {@code MOVED} and {@code ASK} redirects are followed by Lettuce itself.
 */
public final class ScriptExecutor {

	private static final byte[][] NO_KEYS = new byte[0][];

	private final RedisConnector connector;

	public ScriptExecutor(RedisConnector connector) {
		this.connector = connector;
	}

	/** Runs a script and waits for its reply, bounded by the command timeout (retries included). */
	public <T> T call(LuaScript script, ReturnType type, byte[][] keys, byte[]... args) {
		RetryPacer pacer = RetryPacer.tryAgain(this.connector.commandTimeout());
		while (true) {
			try {
				PatternCommands commands = this.connector.commands();
				return evalshaOrEval(() -> commands.<T>evalsha(script.sha1(), type, keys, args),
						() -> commands.<T>eval(script.sourceBytes(), type, keys, args), this.connector::await).join();
			}
			catch (RedisPatternsException ex) {
				pacer.pauseOrThrow(ex);
			}
		}
	}

	/**
	 * Runs a script without waiting; the future completes with the reply or the translated failure.
	 * {@code TRYAGAIN} replies are retried after a pause, without blocking the caller or Lettuce's threads.
	 */
	public <T> CompletableFuture<T> execute(LuaScript script, ReturnType type, byte[][] keys, byte[]... args) {
		return RetryPacer.tryAgain(this.connector.commandTimeout()).retryAsync(() -> {
			PatternCommands commands = this.connector.commands();
			return evalshaOrEval(() -> commands.<T>evalsha(script.sha1(), type, keys, args),
					() -> commands.<T>eval(script.sourceBytes(), type, keys, args), null);
		});
	}

	/**
	 * The one fallback from {@code EVALSHA} to {@code EVAL}: when the node answers {@code NOSCRIPT}, the
	 * script is sent whole, which runs it and caches it there again; other failures pass through.
	 * <p>
	 * With {@code await}, the caller waits for each reply on its own thread and sends the {@code EVAL}
	 * itself: once it gave up (time-out, interrupt) nothing more is sent for it, so a clean-up it sends next
	 * runs after whatever ran. Without, the {@code EVAL} follows from the thread that received the
	 * {@code NOSCRIPT} reply, and the future is returned at once.
	 */
	public static <T> CompletableFuture<T> evalshaOrEval(Supplier<CompletableFuture<T>> evalsha,
			Supplier<CompletableFuture<T>> eval, @Nullable Function<CompletableFuture<T>, T> await) {
		if (await == null) {
			return evalsha.get().exceptionallyCompose((failure) -> {
				Throwable cause = RetryPacer.unwrap(failure);
				return RedisConnector.isNoScript(cause) ? eval.get() : CompletableFuture.failedFuture(cause);
			});
		}
		try {
			return CompletableFuture.completedFuture(await.apply(evalsha.get()));
		}
		catch (RedisPatternsException ex) {
			if (!RedisConnector.isNoScript(ex)) {
				throw ex;
			}
		}
		return CompletableFuture.completedFuture(await.apply(eval.get()));
	}

	/** UTF-8 bytes of each key, in order. */
	public static byte[][] keys(String... keys) {
		if (keys.length == 0) {
			return NO_KEYS;
		}
		byte[][] encoded = new byte[keys.length][];
		for (int i = 0; i < keys.length; i++) {
			encoded[i] = keys[i].getBytes(StandardCharsets.UTF_8);
		}
		return encoded;
	}

	/** Encodes one argument: numbers and strings as their decimal / UTF-8 text, byte arrays as they are. */
	public static byte[] arg(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
	}

	/** Encodes a {@code long} argument without boxing. */
	public static byte[] arg(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

}
