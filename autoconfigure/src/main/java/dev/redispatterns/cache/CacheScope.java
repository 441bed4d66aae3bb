package dev.redispatterns.cache;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.core.EncryptingValueCodec;
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

	private static final long UNREADABLE_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final AtomicLong unreadable = new AtomicLong();

	private final AtomicLong unreadableWarned = new AtomicLong();

	private final AtomicLong lastUnreadableWarning = new AtomicLong();

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
	 * Reads stored bytes found under {@code entryKey}; an entry that cannot be read (corrupt, a type outside
	 * the allow-list, an encrypted entry that fails authentication or an unencrypted one in an encrypting
	 * cache) is reported, logged at WARN level at most once a minute per cache, and {@code null}: a miss,
	 * never an exception.
	 */
	@Nullable StoredValue decode(String entryKey, byte[] raw) {
		try {
			CacheEntry entry = CacheEntry.decode(raw);
			Object value;
			if (entry.isSealed()) {
				EncryptingValueCodec encryption = this.runtime.encryption;
				if (encryption == null) {
					throw new ValueDecodingException(ValueDecodingException.Reason.NOT_AUTHENTIC, null,
							"Encrypted entry, but no encryption key is configured", null);
				}
				value = entry.openValue(encryption, entryKey);
			}
			else if (this.policy.encrypt()) {
				// an entry written in clear where values are encrypted: never trusted
				throw new ValueDecodingException(ValueDecodingException.Reason.NOT_AUTHENTIC, null,
						"Unencrypted entry in a cache that encrypts its values", null);
			}
			else {
				value = entry.isNull() ? null : this.runtime.codec.decode(entry.payload());
			}
			return new StoredValue(entry, value);
		}
		catch (ValueDecodingException ex) {
			CacheListener.DecodeFailure reason = switch (ex.reason()) {
				case TYPE_NOT_ALLOWED -> CacheListener.DecodeFailure.TYPE_NOT_ALLOWED;
				case NOT_AUTHENTIC -> CacheListener.DecodeFailure.NOT_AUTHENTIC;
				default -> CacheListener.DecodeFailure.CORRUPT;
			};
			this.listener.decodeFailure(this.name, reason);
			reportUnreadable(ex);
			return null;
		}
	}

	/** An entry in this cache's format: its value encrypted when the policy says so. */
	byte[] encode(String entryKey, @Nullable Object value, long expiresAtMillis, long loadMillis) {
		if (this.policy.encrypt()) {
			return CacheEntry.encodeSealed(Objects.requireNonNull(this.runtime.encryption), entryKey, value,
					expiresAtMillis, loadMillis);
		}
		byte[] payload = (value != null) ? this.runtime.codec.encode(value) : null;
		return CacheEntry.encode(payload, expiresAtMillis, loadMillis);
	}

	/** Entries can be tampered with in bulk: WARN at most once a minute, with the count since, else DEBUG. */
	private void reportUnreadable(ValueDecodingException ex) {
		long unreadable = this.unreadable.incrementAndGet();
		String message = "Cache '" + this.name + "': unreadable entry treated as a miss (" + ex.getMessage() + ")";
		long now = System.nanoTime();
		long last = this.lastUnreadableWarning.get();
		if ((last == 0 || now - last >= UNREADABLE_WARNING_INTERVAL_NANOS)
				&& this.lastUnreadableWarning.compareAndSet(last, (now == 0) ? 1 : now)) {
			long since = unreadable - this.unreadableWarned.getAndSet(unreadable);
			logger.warn(message + "; " + since + " unreadable entries of this cache since the last warning, "
					+ "further ones within a minute are logged at DEBUG level");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
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
