package dev.redispatterns.session;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Ends sessions found through their user's index ("sign out everywhere", "sign out other devices", one
 * session revoked), on every instance at once since the sessions live in Redis.
 */
final class SessionRevocations {

	private static final Log logger = LogFactory.getLog(RedisPatternsSessionRepository.class);

	private final PrincipalIndex index;

	private final SessionListener listener;

	private final StoredSessions store;

	SessionRevocations(PrincipalIndex index, SessionListener listener, StoredSessions store) {
		this.index = index;
		this.listener = listener;
		this.store = store;
	}

	/**
	 * Ends sessions listed in a user's index, then takes them out of it. Stops at the first session it
	 * cannot end: that one and the rest stay listed, so a later call finds and ends them.
	 * @return how many live sessions ended
	 * @throws SessionRevocationException if a session could not be ended
	 */
	int revoke(String principal, List<String> handles, SessionListener.Revocation reason) {
		List<String> ended = new ArrayList<>(handles.size());
		int revoked = 0;
		RuntimeException failure = null;
		for (String handle : handles) {
			try {
				if (this.store.delete(handle)) {
					revoked++;
				}
				ended.add(handle);
			}
			catch (RuntimeException ex) {
				failure = ex;
				break;
			}
		}
		if (revoked > 0) {
			this.listener.onSessionsRevoked(reason, revoked);
		}
		try {
			this.index.removeAll(principal, ended);
		}
		catch (RuntimeException ex) {
			// the sessions have ended: their entries only point at nothing until a retry or expiry removes them
			logger.debug("Could not take ended sessions out of their user's index", ex);
		}
		if (failure != null) {
			throw new SessionRevocationException(revoked, handles.size() - ended.size(), failure);
		}
		return revoked;
	}

}
