package dev.redispatterns.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.core.RedisUnavailableException;

/**
 * What the parts of one cache share: its name and policy, the manager's runtime, the channel name, its
 * entry codec, and the reporting and timing helpers every part needs.
 */
final class CacheScope {

	static final String AREA = "cache";

	final String name;

	final CachePolicy policy;

	final CacheRuntime runtime;

	final CacheListener listener;

	final String channelName;

	final byte[] channel;

	final Flights flights = new Flights();

	final long lockTimeoutMillis;

	private final long timeoutNanos;

	/** Encodes and reads this cache's entries. */
	final CacheEntryCodec entries;

	CacheScope(String name, CachePolicy policy, CacheRuntime runtime) {
		this.name = name;
		this.policy = policy;
		this.runtime = runtime;
		this.listener = runtime.listener;
		this.channelName = runtime.keys.key(AREA, name, "events");
		this.channel = CacheCommands.utf8(this.channelName);
		this.lockTimeoutMillis = policy.lockTimeout().toMillis();
		this.timeoutNanos = policy.timeout().toNanos();
		this.entries = new CacheEntryCodec(name, policy, runtime);
	}

	CacheCommands commands() {
		return this.runtime.commands;
	}

	boolean connected() {
		return this.runtime.connector.isConnected();
	}

	byte[] message(byte type, String entryKey) {
		return CacheMessage.encode(type, this.runtime.origin, entryKey);
	}

	void unavailable(Operation operation, @Nullable Throwable cause) {
		this.listener.onUnavailable(this.name, operation);
		this.runtime.logOutage(this.name, operation, unwrap(cause));
	}

	/** Bounds a Redis reply by the cache's timeout. */
	<T> CompletableFuture<T> timed(CompletableFuture<T> future) {
		return future.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS);
	}

	static @Nullable Throwable unwrap(@Nullable Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		if (current instanceof TimeoutException timeout) {
			return new RedisUnavailableException("Redis did not answer in time", timeout);
		}
		return current;
	}

}
