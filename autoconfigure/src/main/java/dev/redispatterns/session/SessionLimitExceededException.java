package dev.redispatterns.session;

/**
 * A sign-in was refused because the user already holds the maximum number of concurrent sessions
 * ({@code redis.patterns.session.max-sessions-per-user} with {@code when-limit-exceeded=refuse}). Thrown
 * when the principal is set on the session, so the sign-in code can answer it (for example with HTTP 409
 * and a hint to sign out elsewhere).
 */
public class SessionLimitExceededException extends RuntimeException {

	private final int maxSessions;

	public SessionLimitExceededException(int maxSessions) {
		super("Sign-in refused: the user already has the maximum of " + maxSessions
				+ " concurrent sessions (redis.patterns.session.max-sessions-per-user)");
		this.maxSessions = maxSessions;
	}

	/** The configured maximum. */
	public int maxSessions() {
		return this.maxSessions;
	}

}
