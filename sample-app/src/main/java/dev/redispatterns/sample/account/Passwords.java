package dev.redispatterns.sample.account;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2 password hashes from the JDK, so the sample needs no security library. Stored as
 * {@code iterations:salt:hash} in Base64.
 */
public final class Passwords {

	private static final int ITERATIONS = 60_000;

	private static final SecureRandom RANDOM = new SecureRandom();

	private Passwords() {
	}

	public static String hash(String password) {
		byte[] salt = new byte[16];
		RANDOM.nextBytes(salt);
		return ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
				+ Base64.getEncoder().encodeToString(derive(password, salt, ITERATIONS));
	}

	public static boolean matches(String password, String stored) {
		String[] parts = stored.split(":");
		if (parts.length != 3) {
			return false;
		}
		byte[] expected = Base64.getDecoder().decode(parts[2]);
		byte[] actual = derive(password, Base64.getDecoder().decode(parts[1]), Integer.parseInt(parts[0]));
		return MessageDigest.isEqual(expected, actual);
	}

	private static byte[] derive(String password, byte[] salt, int iterations) {
		try {
			PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
			return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("PBKDF2 is not available", ex);
		}
	}

}
