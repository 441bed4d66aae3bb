package dev.redispatterns.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.ValueDecodingException;

/**
 * What the parts of one cache share: its name and policy, the manager's runtime, the channel name, and
 * the reading, reporting and timing helpers every part needs.
 */
final class CacheScope {

	private static final Log logger = LogFactory.getLog(RedisPatternsCache.class);

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

	private final AtomicBoolean decodeFailureLogged = new AtomicBoolean();

	CacheScope(String name, CachePolicy policy, CacheRuntime runtime) {
		this.name = name;
		this.policy = policy;
		this.runtime = runtime;
		this.listener = runtime.listener;
		this.channelName = runtime.keys.key(AREA, name, "events");
		this.channel = CacheCommands.utf8(this.channelName);
		this.lockTimeoutMillis = policy.lockTimeout().toMillis();
		this.timeoutNanos = policy.timeout().toNanos();
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

	/**
	 * Reads stored bytes; an entry that cannot be read (corrupt, a type outside the allow-list) is
	 * reported, logged once per cache at WARN level, and {@code null}: a miss, never an exception.
	 */
	@Nullable StoredValue decode(byte[] raw) {
		try {
			CacheEntry entry = CacheEntry.decode(raw);
			Object value = entry.isNull() ? null : this.runtime.codec.decode(entry.payload());
			return new StoredValue(entry, value);
		}
		catch (ValueDecodingException ex) {
			CacheListener.DecodeFailure reason = (ex.reason() == ValueDecodingException.Reason.TYPE_NOT_ALLOWED)
					? CacheListener.DecodeFailure.TYPE_NOT_ALLOWED : CacheListener.DecodeFailure.CORRUPT;
			this.listener.decodeFailure(this.name, reason);
			String message = "Cache '" + this.name + "': unreadable entry treated as a miss (" + ex.getMessage() + ")";
			if (this.decodeFailureLogged.compareAndSet(false, true)) {
				logger.warn(message + "; further unreadable entries of this cache are logged at DEBUG level");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug(message);
			}
			return null;
		}
	}

	void unavailable(Operation operation, @Nullable Throwable cause) {
		this.listener.unavailable(this.name, operation);
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

	/** A stored entry, read: its header and its value. */
	record StoredValue(CacheEntry entry, @Nullable Object value) {

	}

}
