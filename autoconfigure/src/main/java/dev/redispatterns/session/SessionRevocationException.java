package dev.redispatterns.session;

/**
 * Revoking a user's sessions ("sign out everywhere", "sign out other devices", ending one session) did not
 * finish: Redis could not be reached or refused a command. The sessions not ended stay in the user's index,
 * so calling again once Redis is back ends them; some sessions may already have ended.
 */
public class SessionRevocationException extends RuntimeException {

	private final int revoked;

	private final int remaining;

	public SessionRevocationException(int revoked, int remaining, Throwable cause) {
		super("Revoked " + revoked + " session(s); " + remaining
				+ " could not be ended and stay listed for a retry: " + cause.getMessage(), cause);
		this.revoked = revoked;
		this.remaining = remaining;
	}

	/** Live sessions this call ended before it failed. */
	public int revoked() {
		return this.revoked;
	}

	/** Sessions it did not end; they are still listed, and still valid until revoked or expired. */
	public int remaining() {
		return this.remaining;
	}

}
