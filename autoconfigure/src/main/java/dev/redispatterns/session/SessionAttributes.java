package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.ValueCipher;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.ValueDecodingException;
import dev.redispatterns.core.ValueEncodingException;
import dev.redispatterns.session.SessionValueSerializer.SealedValue;

/**
 * How attribute values are kept: checked against the codec's allow-list when set, and, where attributes are
 * encrypted, sealed for their session and name, and opened (or refused) when read.
 */
final class SessionAttributes {

	private static final Log logger = LogFactory.getLog(RedisPatternsSessionRepository.class);

	private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final ValueCodec codec;

	/** Opens encrypted attributes; {@code null} when no encryption key is configured. */
	private final @Nullable EncryptingValueCodec encryption;

	private final boolean encryptAttributes;

	private final SessionListener listener;

	private final AtomicLong lastRefusalWarning = new AtomicLong();

	SessionAttributes(ValueCodec codec, @Nullable EncryptingValueCodec encryption, boolean encryptAttributes,
			SessionListener listener) {
		this.codec = codec;
		this.encryption = encryption;
		this.encryptAttributes = encryptAttributes;
		this.listener = listener;
	}

	/**
	 * The form an attribute value is kept in until it is written: the value itself, checked against the
	 * codec, or encrypted for this session and name.
	 * @throws ValueEncodingException naming the attribute if the value cannot be stored
	 */
	Object storable(String storageId, String attributeName, Object value) {
		try {
			if (this.encryptAttributes) {
				EncryptingValueCodec encryption = Objects.requireNonNull(this.encryption);
				return new SealedValue(encryption.encode(value, associatedData(storageId, attributeName)));
			}
			this.codec.encode(value);
			return value;
		}
		catch (ValueEncodingException ex) {
			Object standIn = SignInFailures.storable(attributeName, value);
			if (standIn != null) {
				return storable(storageId, attributeName, standIn);
			}
			throw new ValueEncodingException(
					"Session attribute '" + attributeName + "' cannot be stored: " + ex.getMessage(), ex);
		}
	}

	/**
	 * An attribute as the application sees it: encrypted ones opened, and treated as absent ({@code null})
	 * when they fail authentication or decoding; values stored in clear are absent where attributes are
	 * encrypted, so that nobody can slip a value into a session by writing to Redis.
	 */
	@Nullable Object readable(String storageId, String attributeName, @Nullable Object stored) {
		if (stored instanceof SealedValue sealed) {
			EncryptingValueCodec encryption = this.encryption;
			if (encryption == null) {
				refuse(attributeName, "is encrypted, but no encryption key is configured");
				return null;
			}
			try {
				return encryption.decode(sealed.bytes(), associatedData(storageId, attributeName));
			}
			catch (ValueDecodingException ex) {
				refuse(attributeName, ex.getMessage());
				return null;
			}
		}
		if (stored != null && this.encryptAttributes) {
			refuse(attributeName, "was stored in clear, but attributes are encrypted");
			return null;
		}
		return stored;
	}

	/** Whether a stored attribute was sealed with a key other than the active one (a rotation is under way). */
	boolean sealedWithRetiringKey(@Nullable Object stored) {
		if (!this.encryptAttributes || !(stored instanceof SealedValue sealed)) {
			return false;
		}
		String active = Objects.requireNonNull(this.encryption).cipher().activeKeyId();
		return !active.equals(ValueCipher.keyIdOf(sealed.bytes()));
	}

	/** Whether attributes are encrypted: values are sealed for their storage id, so a new id reseals them. */
	boolean encrypted() {
		return this.encryptAttributes;
	}

	/** Binds a ciphertext to its session and attribute: storage ids never contain NUL. */
	private static byte[] associatedData(String storageId, String attributeName) {
		return ("session-attribute\0" + storageId + "\0" + attributeName).getBytes(StandardCharsets.UTF_8);
	}

	/** Stored data can be tampered with in bulk: WARN at most once a minute, else DEBUG; never the session id. */
	private void refuse(String attributeName, String why) {
		this.listener.onSessionRefused(SessionListener.Refusal.NOT_AUTHENTIC);
		String message = "Ignoring session attribute '" + StoredSessionMapper.printable(attributeName) + "': " + why;
		long now = System.nanoTime();
		long last = this.lastRefusalWarning.get();
		if ((last == 0 || now - last >= WARNING_INTERVAL_NANOS)
				&& this.lastRefusalWarning.compareAndSet(last, (now == 0) ? 1 : now)) {
			logger.warn(message + " (further ones within a minute are logged at DEBUG level)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

}
