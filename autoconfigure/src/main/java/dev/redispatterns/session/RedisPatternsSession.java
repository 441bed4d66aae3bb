package dev.redispatterns.session;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.session.Session;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;

/**
 * A session of {@link RedisPatternsSessionRepository}: Spring Session's Redis session, which lives under
 * the storage id, seen from the outside under the id the browser holds. Values are checked against the
 * codec's allow-list when they are set, so a value that could not be stored fails in the code that set
 * it, not later when the response is written. Encrypted attributes are kept encrypted in the stored session
 * and opened when read (once per attribute and request).
 */
public final class RedisPatternsSession implements Session {

	private final RedisPatternsSessionRepository repository;

	final RedisIndexedSessionRepository.RedisSession stored;

	/** The id the browser holds; {@code null} for sessions found through a user's index. */
	private @Nullable String id;

	/** Principal whose index holds this session under {@link #indexedStorageId}. */
	@Nullable String indexedPrincipal;

	@Nullable String indexedStorageId;

	/** The id the session is stored under in Redis right now; {@code null} until first saved. */
	@Nullable String storedId;

	/** Whether the session changed since it was loaded or last saved. */
	boolean dirty;

	/** Whether the session was ended while in use (its sign-in lost against the session limit). */
	boolean ended;

	/** Attributes opened in this request, by name (encrypted ones are decrypted once). */
	private final Map<String, Object> opened = new ConcurrentHashMap<>();

	RedisPatternsSession(RedisPatternsSessionRepository repository, RedisIndexedSessionRepository.RedisSession stored,
			@Nullable String id, @Nullable String indexedPrincipal, boolean dirty) {
		this.repository = repository;
		this.stored = stored;
		this.id = id;
		this.indexedPrincipal = indexedPrincipal;
		this.indexedStorageId = (indexedPrincipal != null) ? stored.getId() : null;
		this.storedId = (id == null) ? stored.getId() : null;
		this.dirty = dirty;
	}

	/**
	 * The session id. For sessions listed through a user's index it is the opaque {@link #handle()}: the
	 * real id is not stored anywhere, and a handle is never accepted as a session id.
	 */
	@Override
	public String getId() {
		return (this.id != null) ? this.id : this.stored.getId();
	}

	/** The id the session is stored under: safe to show in an "active sessions" page or to log. */
	public String handle() {
		return this.stored.getId();
	}

	@Override
	public String changeSessionId() {
		if (this.repository.attributes().encrypted()) {
			// ciphertexts are bound to the storage id, which changes: reseal every readable attribute
			Set<String> names = getAttributeNames();
			Map<String, Object> values = new HashMap<>();
			names.forEach((name) -> values.put(name, getAttribute(name)));
			this.stored.getAttributeNames().forEach(this.stored::removeAttribute);
			this.stored.changeSessionId();
			values.forEach((name, value) -> this.stored.setAttribute(name,
					this.repository.attributes().storable(this.stored.getId(), name, value)));
		}
		else {
			this.stored.changeSessionId();
		}
		this.id = this.repository.generatedId();
		this.dirty = true;
		return this.id;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T getAttribute(String attributeName) {
		Object value = this.opened.get(attributeName);
		if (value == null) {
			Object stored = this.stored.getAttribute(attributeName);
			value = this.repository.attributes().readable(this.stored.getId(), attributeName, stored);
			if (value != null) {
				this.opened.put(attributeName, value);
				if (this.repository.attributes().sealedWithRetiringKey(stored)) {
					// key rotation: live sessions move to the active key as they are used
					this.stored.setAttribute(attributeName,
							this.repository.attributes().storable(this.stored.getId(), attributeName, value));
					this.dirty = true;
				}
			}
		}
		return (T) value;
	}

	/** The names of the attributes that can be read (an encrypted one that fails authentication is absent). */
	@Override
	public Set<String> getAttributeNames() {
		Set<String> names = new LinkedHashSet<>();
		for (String name : this.stored.getAttributeNames()) {
			if (getAttribute(name) != null) {
				names.add(name);
			}
		}
		return names;
	}

	@Override
	public void setAttribute(String attributeName, @Nullable Object attributeValue) {
		if (attributeValue == null) {
			removeAttribute(attributeName);
			return;
		}
		Object storable = this.repository.attributes().storable(this.stored.getId(), attributeName, attributeValue);
		Object previous = this.stored.getAttribute(attributeName);
		Object previousOpened = this.opened.put(attributeName, attributeValue);
		this.stored.setAttribute(attributeName, storable);
		this.dirty = true;
		if (RedisPatternsSessionRepository.isPrincipalAttribute(attributeName)) {
			try {
				this.repository.signIns().checkLimit(this);
			}
			catch (SessionLimitExceededException ex) {
				if (previous != null) {
					this.stored.setAttribute(attributeName, previous);
				}
				else {
					this.stored.removeAttribute(attributeName);
				}
				if (previousOpened != null) {
					this.opened.put(attributeName, previousOpened);
				}
				else {
					this.opened.remove(attributeName);
				}
				throw ex;
			}
		}
	}

	@Override
	public void removeAttribute(String attributeName) {
		this.opened.remove(attributeName);
		this.stored.removeAttribute(attributeName);
		this.dirty = true;
	}

	@Override
	public Instant getCreationTime() {
		return this.stored.getCreationTime();
	}

	@Override
	public void setLastAccessedTime(Instant lastAccessedTime) {
		this.stored.setLastAccessedTime(lastAccessedTime);
		this.dirty = true;
	}

	@Override
	public Instant getLastAccessedTime() {
		return this.stored.getLastAccessedTime();
	}

	@Override
	public void setMaxInactiveInterval(Duration interval) {
		this.stored.setMaxInactiveInterval(interval);
		this.dirty = true;
	}

	@Override
	public Duration getMaxInactiveInterval() {
		return this.stored.getMaxInactiveInterval();
	}

	@Override
	public boolean isExpired() {
		return this.stored.isExpired();
	}

	@Override
	public String toString() {
		return "RedisPatternsSession";
	}

}
