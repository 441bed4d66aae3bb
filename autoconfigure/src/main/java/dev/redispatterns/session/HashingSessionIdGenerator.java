package dev.redispatterns.session;

import org.jspecify.annotations.Nullable;

import org.springframework.session.SessionIdGenerator;

import dev.redispatterns.session.internal.SessionIdHasher;

/**
 * Plugged into Spring Session's repository so that every session it creates, or gives a new id, is stored
 * under the hashed id. The raw id it generated is handed back to the calling thread once, through
 * {@link #takeGenerated()}, and never kept.
 */
final class HashingSessionIdGenerator implements SessionIdGenerator {

	private final SessionIdGenerator ids;

	private final SessionIdHasher hasher;

	private final ThreadLocal<@Nullable String> generated = new ThreadLocal<>();

	HashingSessionIdGenerator(SessionIdGenerator ids, SessionIdHasher hasher) {
		this.ids = ids;
		this.hasher = hasher;
	}

	@Override
	public String generate() {
		String id = this.ids.generate();
		this.generated.set(id);
		return this.hasher.storageId(id);
	}

	/** The raw id behind the storage id this thread generated last; clears it. */
	String takeGenerated() {
		String id = this.generated.get();
		this.generated.remove();
		if (id == null) {
			throw new IllegalStateException("No session id was generated on this thread");
		}
		return id;
	}

}
