package dev.redispatterns.session.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Turns the session id a browser holds into the id a session is stored under in Redis. With hashing on,
 * the storage id is {@code base64url(HMAC-SHA256(secret, sessionId))}: one-way, so reading Redis (a
 * replica, a backup, a {@code SCAN} in a support session) does not hand out live session ids, and keyed,
 * so without the secret nobody can even tell which stored session a given id belongs to.
 * <p>
 * Lookups may try older forms too ({@link #lookupIds}), which is how secrets are rotated and how
 * deployments that stored raw ids migrate: sessions written under an old form keep working until they
 * expire, new ones are written under the current secret.
 */
public final class SessionIdHasher {

	private static final String ALGORITHM = "HmacSHA256";

	/**
	 * Key used when no secret is configured. Public, hence not a secret: the hash stays one-way (Spring
	 * Session ids carry 122 random bits), it just is not keyed.
	 */
	private static final byte[] UNKEYED = "redis-patterns/session-id/v1".getBytes(StandardCharsets.UTF_8);

	private final boolean hashing;

	/** Initialised prototypes, cloned per use: cheaper than a new instance, and no thread-locals to leak. */
	private final List<Mac> macs;

	private final boolean acceptUnhashed;

	private SessionIdHasher(boolean hashing, List<byte[]> secrets, boolean acceptUnhashed) {
		this.hashing = hashing;
		this.acceptUnhashed = acceptUnhashed;
		List<Mac> all = new ArrayList<>();
		for (byte[] secret : secrets) {
			all.add(newMac(new SecretKeySpec(secret, ALGORITHM)));
		}
		this.macs = List.copyOf(all);
	}

	/**
	 * Storage ids are HMACs of session ids.
	 * @param secret current secret, or {@code null} for the built-in public key
	 * @param previousSecrets secrets that sessions may still be stored under; tried on lookups only
	 * @param acceptUnhashed whether lookups also try the raw session id (sessions written with hashing off),
	 * except for ids shaped like storage ids
	 */
	public static SessionIdHasher hmac(byte @Nullable [] secret, List<byte[]> previousSecrets, boolean acceptUnhashed) {
		List<byte[]> secrets = new ArrayList<>();
		secrets.add((secret != null) ? secret.clone() : UNKEYED);
		previousSecrets.forEach((previous) -> secrets.add(previous.clone()));
		return new SessionIdHasher(true, secrets, acceptUnhashed);
	}

	/** Storage ids are the session ids themselves: the layout of plain Spring Session. */
	public static SessionIdHasher none() {
		return new SessionIdHasher(false, List.of(), true);
	}

	/** Whether storage ids are hashes. */
	public boolean isHashing() {
		return this.hashing;
	}

	/** The id a session with {@code sessionId} is written under. */
	public String storageId(String sessionId) {
		return this.hashing ? hash(this.macs.get(0), sessionId) : sessionId;
	}

	/** Every id a session with {@code sessionId} may be stored under, the current form first. */
	public List<String> lookupIds(String sessionId) {
		if (!this.hashing) {
			return List.of(sessionId);
		}
		List<String> ids = new ArrayList<>(this.macs.size() + 1);
		for (Mac mac : this.macs) {
			ids.add(hash(mac, sessionId));
		}
		// Never for an id shaped like a storage id: whoever can read Redis would otherwise present a hashed
		// session's key as its cookie and be let in.
		if (this.acceptUnhashed && !isStorageIdShaped(sessionId)) {
			ids.add(sessionId);
		}
		return ids;
	}

	/** 43 base64url characters: the shape of an HMAC-SHA256 storage id. */
	static boolean isStorageIdShaped(String id) {
		if (id.length() != 43) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				return false;
			}
		}
		return true;
	}

	private static String hash(Mac prototype, String sessionId) {
		Mac mac;
		try {
			mac = (Mac) prototype.clone();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("HMAC-SHA256 provider cannot clone", ex);
		}
		byte[] digest = mac.doFinal(sessionId.getBytes(StandardCharsets.UTF_8));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
	}

	private static Mac newMac(SecretKeySpec key) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

}
