package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

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
		TryAgainBackoff backoff = new TryAgainBackoff(this.connector.commandTimeout());
		while (true) {
			try {
				return callOnce(script, type, keys, args);
			}
			catch (RedisPatternsException ex) {
				backoff.pauseOrThrow(ex);
			}
		}
	}

	private <T> T callOnce(LuaScript script, ReturnType type, byte[][] keys, byte[]... args) {
		PatternCommands commands = this.connector.commands();
		try {
			return this.connector.await(commands.<T>evalsha(script.sha1(), type, keys, args));
		}
		catch (RedisPatternsException ex) {
			if (!RedisConnector.isNoScript(ex)) {
				throw ex;
			}
		}
		return this.connector.await(commands.<T>eval(script.sourceBytes(), type, keys, args));
	}

	/**
	 * Runs a script without waiting; the future completes with the reply or the translated failure.
	 * {@code TRYAGAIN} replies are retried after a pause, without blocking the caller or Lettuce's threads.
	 */
	public <T> CompletableFuture<T> execute(LuaScript script, ReturnType type, byte[][] keys, byte[]... args) {
		long deadline = System.nanoTime() + this.connector.commandTimeout().toNanos();
		return executeOnce(script, type, keys, args, deadline, TryAgainBackoff.FIRST_PAUSE_NANOS);
	}

	private <T> CompletableFuture<T> executeOnce(LuaScript script, ReturnType type, byte[][] keys, byte[][] args,
			long deadline, long backoff) {
		PatternCommands commands = this.connector.commands();
		CompletableFuture<T> first = commands.<T>evalsha(script.sha1(), type, keys, args);
		return first.exceptionallyCompose((failure) -> {
			Throwable cause = unwrap(failure);
			if (RedisConnector.isNoScript(cause)) {
				return commands.<T>eval(script.sourceBytes(), type, keys, args);
			}
			return CompletableFuture.failedFuture(cause);
		}).exceptionallyCompose((failure) -> {
			Throwable cause = unwrap(failure);
			long pause = Math.min(backoff, deadline - System.nanoTime());
			if (!RedisConnector.isTryAgain(cause) || pause <= 0) {
				return CompletableFuture.failedFuture(RedisConnector.translate(cause));
			}
			Executor delayed = CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS);
			return CompletableFuture.supplyAsync(() -> null, delayed)
				.thenCompose((ignored) -> this.<T>executeOnce(script, type, keys, args, deadline,
						Math.min(backoff * 2, TryAgainBackoff.MAX_PAUSE_NANOS)));
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

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
