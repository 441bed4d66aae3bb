package dev.redispatterns.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Replaces identities (user names, client addresses) in the key names the starter builds by a keyed hash,
 * so that reading the key space (a replica, a backup, {@code SCAN}, {@code MONITOR}) does not list who uses
 * the application. An identity becomes {@code h:} plus the first 128 bits of
 * {@code HMAC-SHA256(secret, kind NUL identity)} in base64url: stable across instances sharing the secret,
 * separate per kind, and without the secret not even a guessed identity can be confirmed.
 */
public final class IdentityHasher {

	private static final IdentityHasher NONE = new IdentityHasher(null);

	private static final String ALGORITHM = "HmacSHA256";

	private static final int KEPT_BYTES = 16;

	/** Initialised prototype, cloned per use: no shared mutable state, no thread-locals. */
	private final @Nullable Mac prototype;

	private IdentityHasher(byte @Nullable [] secret) {
		if (secret == null) {
			this.prototype = null;
			return;
		}
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(secret, ALGORITHM));
			this.prototype = mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	/** Identities stay as they are. */
	public static IdentityHasher none() {
		return NONE;
	}

	/** Identities become keyed hashes under {@code secret}. */
	public static IdentityHasher hmac(byte[] secret) {
		if (secret.length == 0) {
			throw new IllegalArgumentException("secret must not be empty");
		}
		return new IdentityHasher(secret.clone());
	}

	public boolean isHashing() {
		return this.prototype != null;
	}

	/**
	 * The key part for {@code identity}: the identity itself, or {@code h:<hash>} when hashing.
	 * @param kind what the identity is ({@code user}, {@code ip}, ...): equal identities of different kinds
	 * hash differently
	 */
	public String apply(String kind, String identity) {
		Mac prototype = this.prototype;
		if (prototype == null) {
			return identity;
		}
		Mac mac;
		try {
			mac = (Mac) prototype.clone();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("HMAC-SHA256 provider cannot clone", ex);
		}
		mac.update(kind.getBytes(StandardCharsets.UTF_8));
		mac.update((byte) 0);
		byte[] digest = mac.doFinal(identity.getBytes(StandardCharsets.UTF_8));
		return "h:" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, KEPT_BYTES));
	}

	@Override
	public String toString() {
		return isHashing() ? "IdentityHasher[HMAC-SHA256]" : "IdentityHasher[none]";
	}

}
