package dev.redispatterns.session;

/**
 * The most sessions one user may hold at once, and what happens to a sign-in beyond it. The limit is
 * enforced atomically in Redis, so it holds across every instance even when a user signs in on several of
 * them at the same moment.
 * @param maxSessions most concurrent sessions per user; {@code 0} means no limit
 * @param whenExceeded what a sign-in beyond the limit does
 */
public record SessionLimit(int maxSessions, Policy whenExceeded) {

	private static final SessionLimit UNLIMITED = new SessionLimit(0, Policy.EVICT_OLDEST);

	public SessionLimit {
		if (maxSessions < 0) {
			throw new IllegalArgumentException("maxSessions must not be negative");
		}
	}

	/** No limit. */
	public static SessionLimit unlimited() {
		return UNLIMITED;
	}

	/** Whether a limit applies. */
	public boolean isLimited() {
		return this.maxSessions > 0;
	}

	/** What a sign-in beyond the limit does. */
	public enum Policy {

		/**
		 * The sign-in succeeds and the user's least recently used sessions are ended, as Spring Security's
		 * concurrent session control does by default.
		 */
		EVICT_OLDEST,

		/**
		 * The sign-in fails: setting the principal on the session throws
		 * {@link SessionLimitExceededException}; existing sessions are kept.
		 */
		REFUSE

	}

}
