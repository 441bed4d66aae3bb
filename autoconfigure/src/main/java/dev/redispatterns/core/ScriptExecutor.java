package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.ReturnType;

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
				return this.connector.await(this.<T>attempt(script, type, keys, args));
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
		return RetryPacer.tryAgain(this.connector.commandTimeout()).retryAsync(() -> attempt(script, type, keys, args));
	}

	private <T> CompletableFuture<T> attempt(LuaScript script, ReturnType type, byte[][] keys, byte[][] args) {
		PatternCommands commands = this.connector.commands();
		return evalshaOrEval(() -> commands.<T>evalsha(script.sha1(), type, keys, args),
				() -> commands.<T>eval(script.sourceBytes(), type, keys, args));
	}

	/**
	 * The one fallback from {@code EVALSHA} to {@code EVAL}: when the node answers {@code NOSCRIPT}, the
	 * script is sent whole, which runs it and caches it there again. Other failures pass through.
	 */
	public static <T> CompletableFuture<T> evalshaOrEval(Supplier<CompletableFuture<T>> evalsha,
			Supplier<CompletableFuture<T>> eval) {
		return evalsha.get().exceptionallyCompose((failure) -> {
			Throwable cause = RetryPacer.unwrap(failure);
			return RedisConnector.isNoScript(cause) ? eval.get() : CompletableFuture.failedFuture(cause);
		});
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
