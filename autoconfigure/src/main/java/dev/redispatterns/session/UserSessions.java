package dev.redispatterns.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A user's sessions across every instance: list them ("where am I signed in?"), end one, or end them all
 * ("sign out everywhere", after a password change or a lost device). Sessions are named by opaque
 * {@linkplain UserSession#handle() handles} derived from the session id; a handle can be shown to the
 * user and sent back to revoke a session, but is never accepted as a session id, so showing it cannot
 * leak a way into the session.
 */
public final class UserSessions {

	private final RedisPatternsSessionRepository repository;

	public UserSessions(RedisPatternsSessionRepository repository) {
		this.repository = repository;
	}

	/** The user's live sessions, most recently used first. */
	public List<UserSession> list(String principal) {
		List<UserSession> sessions = new ArrayList<>();
		this.repository.findByPrincipalName(principal).values().forEach((session) -> {
			Map<String, Object> attributes = new LinkedHashMap<>();
			for (String name : session.getAttributeNames()) {
				Object value = session.getAttribute(name);
				if (value != null) {
					attributes.put(name, value);
				}
			}
			sessions.add(new UserSession(session.handle(), session.getCreationTime(), session.getLastAccessedTime(),
					session.getMaxInactiveInterval(), attributes));
		});
		sessions.sort(Comparator.comparing(UserSession::lastAccessedTime).reversed());
		return sessions;
	}

	/** The handle of the session with {@code sessionId}, to mark "this device" in a list. */
	public String handleOf(String sessionId) {
		return this.repository.hasher().storageId(sessionId);
	}

	/**
	 * Ends one of the user's sessions.
	 * @return {@code false} if no such session belongs to the user
	 * @throws SessionRevocationException if Redis failed: the session stays listed, call again to end it
	 */
	public boolean revoke(String principal, String handle) {
		if (!this.repository.index().contains(principal, handle)) {
			return false;
		}
		return this.repository.revocations().revoke(principal, List.of(handle), SessionListener.Revocation.REVOKED) > 0;
	}

	/**
	 * Ends every session of the user, on every instance ("sign out everywhere").
	 * @return how many live sessions ended
	 * @throws SessionRevocationException if Redis failed: sessions not ended stay listed, call again to end
	 * them
	 */
	public int revokeAll(String principal) {
		return revokeAllExcept(principal, null);
	}

	/**
	 * Ends every session of the user except the one with {@code currentSessionId} ("sign out other
	 * devices"). Sessions are ended first and taken out of the user's index after, so a failure never leaves
	 * a live session that a later call cannot find; sessions signed in while this runs are left alone.
	 * @param currentSessionId the id of the session to keep, as the request knows it
	 * @return how many live sessions ended
	 * @throws SessionRevocationException if Redis failed: sessions not ended stay listed, call again to end
	 * them
	 */
	public int revokeAllExcept(String principal, @Nullable String currentSessionId) {
		List<String> keep = (currentSessionId != null) ? this.repository.hasher().lookupIds(currentSessionId)
				: List.of();
		List<String> handles = new ArrayList<>(this.repository.index().members(principal));
		handles.removeAll(keep);
		return this.repository.revocations().revoke(principal, handles, SessionListener.Revocation.EVERYWHERE);
	}

	/**
	 * One session of a user.
	 * @param handle opaque name of the session, safe to show and to log
	 * @param creationTime when the session was created
	 * @param lastAccessedTime when a request last used it
	 * @param maxInactiveInterval inactivity after which it expires
	 * @param attributes its attributes, for example a device description the application stored
	 */
	public record UserSession(String handle, Instant creationTime, Instant lastAccessedTime,
			Duration maxInactiveInterval, Map<String, Object> attributes) {

		public UserSession {
			attributes = Map.copyOf(attributes);
		}

		/** When the session expires unless it is used again. */
		public Instant expiresAt() {
			return this.lastAccessedTime.plus(this.maxInactiveInterval);
		}

		/** Names of its attributes. */
		public Set<String> attributeNames() {
			return this.attributes.keySet();
		}

	}

}
