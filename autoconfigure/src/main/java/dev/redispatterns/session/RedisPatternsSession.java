package dev.redispatterns.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.session.Session;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;

/**
 * A session of {@link RedisPatternsSessionRepository}: Spring Session's Redis session, which lives under
 * the storage id, seen from the outside under the id the browser holds. Values are checked against the
 * codec's allow-list when they are set, so a value that could not be stored fails in the code that set
 * it, not later when the response is written.
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
		this.stored.changeSessionId();
		this.id = this.repository.generatedId();
		this.dirty = true;
		return this.id;
	}

	@Override
	public <T> @Nullable T getAttribute(String attributeName) {
		return this.stored.getAttribute(attributeName);
	}

	@Override
	public Set<String> getAttributeNames() {
		return this.stored.getAttributeNames();
	}

	@Override
	public void setAttribute(String attributeName, @Nullable Object attributeValue) {
		if (attributeValue == null) {
			removeAttribute(attributeName);
			return;
		}
		this.repository.checkStorable(attributeName, attributeValue);
		Object previous = this.stored.getAttribute(attributeName);
		this.stored.setAttribute(attributeName, attributeValue);
		this.dirty = true;
		if (RedisPatternsSessionRepository.isPrincipalAttribute(attributeName)) {
			try {
				this.repository.checkLimit(this);
			}
			catch (SessionLimitExceededException ex) {
				if (previous != null) {
					this.stored.setAttribute(attributeName, previous);
				}
				else {
					this.stored.removeAttribute(attributeName);
				}
				throw ex;
			}
		}
	}

	@Override
	public void removeAttribute(String attributeName) {
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
