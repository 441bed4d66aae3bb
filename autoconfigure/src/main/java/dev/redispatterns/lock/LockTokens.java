package dev.redispatterns.lock;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner tokens {@code <instance>~<sequence>}: a random instance id per manager and a sequence, so tokens are
 * unique across instances and cheap to mint. The scripts read the instance id to signal a hand-over to that
 * instance alone ({@code lock_queue.lua}).
 */
final class LockTokens {

	private final String instance;

	private final String prefix;

	private final AtomicLong sequence = new AtomicLong();

	LockTokens() {
		byte[] random = new byte[12];
		new SecureRandom().nextBytes(random);
		this.instance = HexFormat.of().formatHex(random);
		this.prefix = this.instance + "~";
	}

	/** This manager's instance id, in its tokens and in the channels its waiters are told on. */
	String instance() {
		return this.instance;
	}

	String next() {
		return this.prefix + Long.toHexString(this.sequence.incrementAndGet());
	}

}
