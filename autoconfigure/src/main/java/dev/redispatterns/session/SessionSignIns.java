package dev.redispatterns.session;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.IndexResolver;
import org.springframework.session.Session;

/**
 * Who a session belongs to, and the maximum of concurrent sessions per user: checked early when the
 * principal is set (for {@link SessionLimit.Policy#REFUSE}) and enforced atomically when the signing-in
 * session is saved.
 */
final class SessionSignIns {

	private static final Log logger = LogFactory.getLog(RedisPatternsSessionRepository.class);

	private final PrincipalIndex index;

	private final IndexResolver<Session> indexResolver;

	private final SessionLimit limit;

	private final SessionListener listener;

	private final StoredSessions store;

	SessionSignIns(PrincipalIndex index, IndexResolver<Session> indexResolver, SessionLimit limit,
			SessionListener listener, StoredSessions store) {
		this.index = index;
		this.indexResolver = indexResolver;
		this.limit = limit;
		this.listener = listener;
		this.store = store;
	}

	@Nullable String principalOf(Session session) {
		return this.indexResolver.resolveIndexesFor(session)
			.get(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME);
	}

	/** Adds a signing-in session to its user's index under the session limit; {@code false} if refused. */
	boolean signIn(RedisPatternsSession session, String principal, String storageId) {
		List<String> evicted = this.index.bind(principal, storageId, null, session.getMaxInactiveInterval(),
				this.limit);
		if (evicted == null) {
			// Lost a race against simultaneous sign-ins: the limit wins, this session ends unsaved.
			session.ended = true;
			if (session.indexedPrincipal != null && session.indexedStorageId != null) {
				this.index.unbind(session.indexedPrincipal, session.indexedStorageId);
			}
			if (session.storedId != null) {
				this.store.delete(session.storedId);
			}
			this.store.delete(storageId);
			this.listener.onSessionRefused(SessionListener.Refusal.LIMIT);
			if (logger.isDebugEnabled()) {
				logger.debug("Ended a session signing in: its user reached the maximum of " + this.limit.maxSessions()
						+ " concurrent sessions (redis.patterns.session.max-sessions-per-user)");
			}
			return false;
		}
		for (String victim : evicted) {
			this.store.delete(victim);
		}
		if (!evicted.isEmpty()) {
			this.listener.onSessionsRevoked(SessionListener.Revocation.LIMIT, evicted.size());
		}
		return true;
	}

	/** Refuses a sign-in early, while the sign-in code can still answer it; the save re-checks atomically. */
	void checkLimit(RedisPatternsSession session) {
		if (!this.limit.isLimited() || this.limit.whenExceeded() != SessionLimit.Policy.REFUSE) {
			return;
		}
		String principal = principalOf(session);
		if (principal == null || principal.equals(session.indexedPrincipal)) {
			return;
		}
		if (this.index.liveOthers(principal, session.handle()) >= this.limit.maxSessions()) {
			this.listener.onSessionRefused(SessionListener.Refusal.LIMIT);
			throw new SessionLimitExceededException(this.limit.maxSessions());
		}
	}

}
