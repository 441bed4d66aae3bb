package dev.redispatterns.session;

import java.util.List;

/**
 * What the session repository reports, for metrics. It never passes session ids or user names: neither
 * may reach logs, metrics or health. Methods have no-op defaults, and are called on request threads, so
 * implementations must be quick and must not throw.
 */
public interface SessionListener {

	/** A listener that does nothing. */
	SessionListener NONE = new SessionListener() {
	};

	/** A new session was created by this instance. */
	default void onSessionCreated() {
	}

	/**
	 * A session expired. Only reported with {@code redis.patterns.session.events.enabled}, and by one
	 * instance per session.
	 */
	default void onSessionExpired() {
	}

	/** Sessions were ended before they expired. */
	default void onSessionsRevoked(Revocation reason, int count) {
	}

	/** A stored session was ignored, or a sign-in was refused. */
	default void onSessionRefused(Refusal reason) {
	}

	/** Calls every listener in order. */
	static SessionListener composite(List<? extends SessionListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		List<SessionListener> all = List.copyOf(listeners);
		return new SessionListener() {

			@Override
			public void onSessionCreated() {
				all.forEach(SessionListener::onSessionCreated);
			}

			@Override
			public void onSessionExpired() {
				all.forEach(SessionListener::onSessionExpired);
			}

			@Override
			public void onSessionsRevoked(Revocation reason, int count) {
				all.forEach((listener) -> listener.onSessionsRevoked(reason, count));
			}

			@Override
			public void onSessionRefused(Refusal reason) {
				all.forEach((listener) -> listener.onSessionRefused(reason));
			}

		};
	}

	/** Why sessions ended early. */
	enum Revocation {

		/** The application invalidated the session (sign-out). */
		INVALIDATED,

		/** One session was revoked through {@link UserSessions#revoke}. */
		REVOKED,

		/** "Sign out everywhere" through {@link UserSessions}. */
		EVERYWHERE,

		/** Evicted to keep a user within the maximum number of concurrent sessions. */
		LIMIT;

		/** Lower-case name, for metric tags. */
		public String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/** Why a session was not accepted. */
	enum Refusal {

		/** A stored value names a type outside the codec allow-list (tampered or outdated data). */
		TYPE_NOT_ALLOWED,

		/** A stored value is not valid JSON of the codec. */
		CORRUPT,

		/** The stored session lacks its metadata (a late write after it was deleted). */
		INCOMPLETE,

		/** A sign-in would have exceeded the maximum number of concurrent sessions. */
		LIMIT,

		/**
		 * An encrypted attribute failed authentication (changed in Redis, copied from another session or
		 * attribute, or sealed with a key that is not configured), or an attribute was stored in clear where
		 * attributes are encrypted: that attribute is treated as absent.
		 */
		NOT_AUTHENTIC;

		/** Lower-case name with underscores, for metric tags (as the other meters write theirs). */
		public String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
