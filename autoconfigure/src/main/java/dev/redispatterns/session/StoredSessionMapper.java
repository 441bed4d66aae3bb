package dev.redispatterns.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.session.MapSession;

import dev.redispatterns.core.ValueDecodingException;
import dev.redispatterns.session.SessionValueSerializer.UnreadableValue;

/**
 * Reads a stored session hash. Spring Session's own mapper casts its metadata to exact boxed types and
 * throws on anything unexpected; this one accepts any JSON number for the metadata and treats a session
 * holding an unreadable or refused value, or missing metadata (a hash recreated by a late write after the
 * session was deleted), as absent: the request simply gets a new session. Nothing here logs the session
 * id.
 */
final class StoredSessionMapper implements BiFunction<String, Map<String, Object>, @Nullable MapSession> {

	static final String CREATION_TIME = "creationTime";

	static final String LAST_ACCESSED_TIME = "lastAccessedTime";

	static final String MAX_INACTIVE_INTERVAL = "maxInactiveInterval";

	static final String ATTRIBUTE_PREFIX = "sessionAttr:";

	private static final Log logger = LogFactory.getLog(StoredSessionMapper.class);

	private static final int MAX_REPORTED = 100;

	private final SessionListener listener;

	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	StoredSessionMapper(SessionListener listener) {
		this.listener = listener;
	}

	@Override
	public @Nullable MapSession apply(String storageId, Map<String, Object> entries) {
		for (Map.Entry<String, Object> entry : entries.entrySet()) {
			if (entry.getValue() instanceof UnreadableValue unreadable) {
				refuse(entry.getKey(), unreadable.failure());
				return null;
			}
		}
		Long creationTime = millis(entries.get(CREATION_TIME));
		Long lastAccessedTime = millis(entries.get(LAST_ACCESSED_TIME));
		Long maxInactiveSeconds = millis(entries.get(MAX_INACTIVE_INTERVAL));
		if (creationTime == null || lastAccessedTime == null || maxInactiveSeconds == null) {
			this.listener.onSessionRefused(SessionListener.Refusal.INCOMPLETE);
			if (logger.isDebugEnabled()) {
				logger.debug("Ignoring a stored session without its metadata (written after it was deleted)");
			}
			return null;
		}
		MapSession session = new MapSession(storageId);
		session.setCreationTime(Instant.ofEpochMilli(creationTime));
		session.setLastAccessedTime(Instant.ofEpochMilli(lastAccessedTime));
		session.setMaxInactiveInterval(Duration.ofSeconds(maxInactiveSeconds));
		entries.forEach((name, value) -> {
			if (name.startsWith(ATTRIBUTE_PREFIX) && value != null) {
				session.setAttribute(name.substring(ATTRIBUTE_PREFIX.length()), value);
			}
		});
		return session;
	}

	private void refuse(String field, ValueDecodingException failure) {
		boolean notAllowed = failure.reason() == ValueDecodingException.Reason.TYPE_NOT_ALLOWED;
		this.listener.onSessionRefused(
				notAllowed ? SessionListener.Refusal.TYPE_NOT_ALLOWED : SessionListener.Refusal.CORRUPT);
		String what = notAllowed ? "names type " + printable(failure.typeName()) + ", which is not in the codec allow-list"
				: "is not valid JSON of the session codec";
		String message = "Ignoring a stored session: its field '" + printable(field) + "' " + what
				+ "; the request continues without that session";
		String once = failure.reason() + ":" + failure.typeName();
		if (this.reported.size() < MAX_REPORTED && this.reported.add(once)) {
			logger.warn(message + " (further occurrences are logged at DEBUG)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	/** Stored data may be hostile: keep log lines single-line and short. */
	static String printable(@Nullable String text) {
		if (text == null) {
			return "?";
		}
		StringBuilder out = new StringBuilder(Math.min(text.length(), 120));
		for (int i = 0; i < text.length() && out.length() < 120; i++) {
			char c = text.charAt(i);
			out.append((c < 0x20 || c == 0x7F) ? '?' : c);
		}
		return out.toString();
	}

	private static @Nullable Long millis(@Nullable Object value) {
		return (value instanceof Number number) ? number.longValue() : null;
	}

}
