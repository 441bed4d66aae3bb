package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * AES-GCM (JDK provider) with a ring of named keys: one active key seals, every configured key opens, so
 * keys can be rotated while values written under the old one are still live. A sealed value is
 * <pre>
 * byte 0          format (0xA1: AES-GCM, version 1; never the first byte of JSON text)
 * byte 1          n, length of the key id
 * bytes 2..n+1    key id (ASCII)
 * next 12 bytes   nonce, fresh from SecureRandom for every value
 * rest            ciphertext and 16-byte tag
 * </pre>
 * The format byte and key id, then the caller's associated data (where the value lives: its cache entry
 * key, its session and attribute), are authenticated with the ciphertext: a value changed in Redis, or
 * copied to another place, fails to open instead of being read.
 */
public final class ValueCipher {

	/** First byte of every sealed value. */
	public static final byte FORMAT = (byte) 0xA1;

	/** Longest key id, in characters. */
	public static final int MAX_KEY_ID_LENGTH = 32;

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final int NONCE_LENGTH = 12;

	private static final int TAG_BITS = 128;

	private static final int TAG_LENGTH = TAG_BITS / 8;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Map<String, SecretKey> keys;

	private final String activeKeyId;

	private final byte[] activeHeader;

	private ValueCipher(Map<String, SecretKey> keys, String activeKeyId) {
		this.keys = keys;
		this.activeKeyId = activeKeyId;
		this.activeHeader = header(activeKeyId);
	}

	/**
	 * A cipher over {@code keys}.
	 * @param keys key id to raw AES key (16, 24 or 32 bytes); ids are 1 to 32 letters, digits, '-' or '_'
	 * @param activeKeyId the key that seals new values
	 * @throws IllegalArgumentException naming the offending key id (never key material)
	 */
	public static ValueCipher aesGcm(Map<String, byte[]> keys, String activeKeyId) {
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("no keys");
		}
		Map<String, SecretKey> ring = new LinkedHashMap<>();
		keys.forEach((id, material) -> {
			checkKeyId(id);
			if (material.length != 16 && material.length != 24 && material.length != 32) {
				throw new IllegalArgumentException("key '" + id + "' is " + material.length
						+ " bytes; AES keys are 16, 24 or 32 bytes (32 recommended)");
			}
			ring.put(id, new SecretKeySpec(material, "AES"));
		});
		if (!ring.containsKey(activeKeyId)) {
			throw new IllegalArgumentException("active key '" + activeKeyId + "' is not one of the configured keys "
					+ ring.keySet());
		}
		return new ValueCipher(Collections.unmodifiableMap(ring), activeKeyId);
	}

	/**
	 * Checks a key id.
	 * @throws IllegalArgumentException if it is empty, too long or holds other characters than letters,
	 * digits, '-' and '_'
	 */
	public static void checkKeyId(String id) {
		if (id.isEmpty() || id.length() > MAX_KEY_ID_LENGTH) {
			throw new IllegalArgumentException("key id '" + id + "' must have 1 to " + MAX_KEY_ID_LENGTH + " characters");
		}
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				throw new IllegalArgumentException("key id '" + id + "' may hold only letters, digits, '-' and '_'");
			}
		}
	}

	public String activeKeyId() {
		return this.activeKeyId;
	}

	public Set<String> keyIds() {
		return this.keys.keySet();
	}

	/** Whether {@code bytes} look like a sealed value (a cheap check of the format byte, not a proof). */
	public static boolean isSealed(byte[] bytes) {
		return bytes.length > 0 && bytes[0] == FORMAT;
	}

	/** Encrypts {@code plaintext} under the active key, bound to {@code associatedData}. */
	public byte[] seal(byte[] plaintext, byte[] associatedData) {
		byte[] nonce = new byte[NONCE_LENGTH];
		RANDOM.nextBytes(nonce);
		int headerLength = this.activeHeader.length;
		byte[] out = new byte[headerLength + NONCE_LENGTH + plaintext.length + TAG_LENGTH];
		System.arraycopy(this.activeHeader, 0, out, 0, headerLength);
		System.arraycopy(nonce, 0, out, headerLength, NONCE_LENGTH);
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(this.activeHeader);
			cipher.updateAAD(associatedData);
			cipher.doFinal(plaintext, 0, plaintext.length, out, headerLength + NONCE_LENGTH);
		}
		catch (GeneralSecurityException ex) {
			throw new ValueEncodingException("Cannot encrypt a value with AES-GCM: " + ex.getMessage(), ex);
		}
		return out;
	}

	/**
	 * Decrypts a sealed value.
	 * @throws ValueDecodingException {@link ValueDecodingException.Reason#CORRUPT} when the bytes are no sealed
	 * value, {@link ValueDecodingException.Reason#NOT_AUTHENTIC} when they were sealed under a key that is not
	 * configured, changed, or sealed for other associated data
	 */
	public byte[] open(byte[] sealed, byte[] associatedData) {
		if (sealed.length < 2 || sealed[0] != FORMAT) {
			throw failure(ValueDecodingException.Reason.CORRUPT, "not an encrypted value");
		}
		int idLength = sealed[1] & 0xFF;
		int headerLength = 2 + idLength;
		if (idLength == 0 || idLength > MAX_KEY_ID_LENGTH || sealed.length < headerLength + NONCE_LENGTH + TAG_LENGTH) {
			throw failure(ValueDecodingException.Reason.CORRUPT, "truncated or malformed encrypted value");
		}
		String keyId = new String(sealed, 2, idLength, StandardCharsets.US_ASCII);
		SecretKey key = this.keys.get(keyId);
		if (key == null) {
			throw failure(ValueDecodingException.Reason.NOT_AUTHENTIC,
					"encrypted with key '" + printable(keyId) + "', which is not configured");
		}
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, headerLength, NONCE_LENGTH));
			cipher.updateAAD(sealed, 0, headerLength);
			cipher.updateAAD(associatedData);
			int offset = headerLength + NONCE_LENGTH;
			return cipher.doFinal(sealed, offset, sealed.length - offset);
		}
		catch (AEADBadTagException ex) {
			throw failure(ValueDecodingException.Reason.NOT_AUTHENTIC,
					"failed authentication (changed in Redis, moved from another key, or sealed elsewhere)");
		}
		catch (GeneralSecurityException ex) {
			throw failure(ValueDecodingException.Reason.CORRUPT, "cannot be decrypted: " + ex.getClass().getSimpleName());
		}
	}

	/** The id of the key that sealed {@code sealed}, if it is a well-formed sealed value. */
	public static @Nullable String keyIdOf(byte[] sealed) {
		if (sealed.length < 2 || sealed[0] != FORMAT) {
			return null;
		}
		int idLength = sealed[1] & 0xFF;
		if (idLength == 0 || idLength > MAX_KEY_ID_LENGTH || sealed.length < 2 + idLength) {
			return null;
		}
		return new String(sealed, 2, idLength, StandardCharsets.US_ASCII);
	}

	private static byte[] header(String keyId) {
		byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
		byte[] header = new byte[2 + id.length];
		header[0] = FORMAT;
		header[1] = (byte) id.length;
		System.arraycopy(id, 0, header, 2, id.length);
		return header;
	}

	private static ValueDecodingException failure(ValueDecodingException.Reason reason, String detail) {
		return new ValueDecodingException(reason, null, "Encrypted value " + detail, null);
	}

	/** Key ids read from Redis may be hostile: printable ASCII only in messages. */
	private static String printable(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			out.append((c >= 0x20 && c < 0x7F) ? c : '?');
		}
		return out.toString();
	}

	@Override
	public String toString() {
		return "ValueCipher[AES-GCM, keys " + this.keys.keySet() + ", active '" + this.activeKeyId + "']";
	}

}
