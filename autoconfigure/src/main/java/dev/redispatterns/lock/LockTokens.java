package dev.redispatterns.lock;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner tokens: a random prefix per manager and a sequence, so tokens are unique across instances and
 * cheap to mint.
 */
final class LockTokens {

	private final String prefix;

	private final AtomicLong sequence = new AtomicLong();

	LockTokens() {
		byte[] random = new byte[12];
		new SecureRandom().nextBytes(random);
		this.prefix = HexFormat.of().formatHex(random) + ":";
	}

	String next() {
		return this.prefix + Long.toHexString(this.sequence.incrementAndGet());
	}

}
