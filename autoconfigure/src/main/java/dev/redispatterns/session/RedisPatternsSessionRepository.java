package dev.redispatterns.session;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.session.DelegatingIndexResolver;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.IndexResolver;
import org.springframework.session.MapSession;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.UuidSessionIdGenerator;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;

import dev.redispatterns.core.EncryptingValueCodec;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.IdentityHasher;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.session.internal.SessionIdHasher;

/**
 * Spring Session on Redis, done safely. It is Spring Session's own {@link RedisIndexedSessionRepository}
 * (the storage layout, delta writes, save and flush modes, session events) with four changes:
 * <ul>
 * <li>Sessions are stored under a keyed hash of their id ({@link SessionIdHasher}), so read access to Redis
 * does not hand out live session ids; the id the browser holds is never written to Redis.</li>
 * <li>Values are JSON through the starter's {@link ValueCodec} and its allow-list, never JDK serialization.
 * A value of a type outside the list is refused when it is set; a stored session naming such a type is
 * treated as absent and the type is never loaded.</li>
 * <li>Each user's sessions are kept in an index that expires with them ({@link PrincipalIndex}) instead of
 * Spring Session's principal sets, which never expire; it backs {@link #findByPrincipalName},
 * {@link UserSessions} and an atomic maximum of concurrent sessions per user.</li>
 * <li>Nothing it logs or reports carries a session id or a user name.</li>
 * <li>Optionally, attributes are encrypted ({@link EncryptingValueCodec}), bound to their session and name,
 * and user names in the index keys are keyed hashes ({@link IdentityHasher}).</li>
 * </ul>
 * Sessions returned by {@link #findByIndexNameAndIndexValue} carry their opaque {@linkplain
 * RedisPatternsSession#handle() handle} as id: the real id cannot be recovered from Redis, by design.
 */
public final class RedisPatternsSessionRepository implements FindByIndexNameSessionRepository<RedisPatternsSession>,
		MessageListener, SmartLifecycle, DisposableBean {

	static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

	private final StoredSessions store;

	private final SessionIdHasher hasher;

	private final HashingSessionIdGenerator idGenerator;

	private final PrincipalIndex index;

	private final SessionListener listener;

	private final SessionAttributes attributes;

	private final SessionSignIns signIns;

	private final SessionRevocations revocations;

	private final SessionKeyspaceEvents events;

	private boolean started;

	private volatile boolean running;

	private RedisPatternsSessionRepository(Builder builder) {
		String namespace = builder.keys.key("session");
		this.hasher = builder.hasher;
		this.idGenerator = new HashingSessionIdGenerator(builder.ids, builder.hasher);
		this.listener = builder.listener;
		this.index = new PrincipalIndex(builder.connector, builder.scripts, builder.keys, builder.identities);
		this.store = new StoredSessions(builder.connector, builder.codec, namespace,
				new StoredSessions.Settings(builder.timeout, builder.flushMode, builder.saveMode, this.idGenerator,
						builder.listener, builder.cleanupCron, builder.eventPublisher));
		this.attributes = new SessionAttributes(builder.codec, builder.encryption, builder.encryptAttributes,
				builder.listener);
		this.signIns = new SessionSignIns(this.index, builder.indexResolver, builder.limit, builder.listener, this.store);
		this.revocations = new SessionRevocations(this.index, builder.listener, this.store);
		this.events = new SessionKeyspaceEvents(this.store.delegate(), builder.connector, builder.keys, namespace,
				builder.listener);
	}

	/**
	 * Starts building a repository.
	 * @param connector Redis access
	 * @param scripts script execution
	 * @param keys key naming: sessions live under {@code prefix:session:}
	 * @param codec the JSON codec whose allow-list decides what may be stored in a session
	 */
	public static Builder builder(RedisConnector connector, ScriptExecutor scripts, RedisKeys keys, ValueCodec codec) {
		return new Builder(connector, scripts, keys, codec);
	}

	/**
	 * Starts Spring Session's clean-up task, when one is configured: when the context starts, not when the
	 * repository is created. The task runs until {@link #destroy()}.
	 */
	@Override
	public void start() {
		synchronized (this.store) {
			if (!this.started) {
				this.started = true;
				this.store.delegate().afterPropertiesSet();
			}
			this.running = true;
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() {
		this.store.delegate().destroy();
	}

	@Override
	public RedisPatternsSession createSession() {
		RedisIndexedSessionRepository.RedisSession stored = this.store.delegate().createSession();
		String id = this.idGenerator.takeGenerated();
		this.listener.onSessionCreated();
		return new RedisPatternsSession(this, stored, id, null, true);
	}

	/**
	 * Saves the session and keeps its user's index in step. The index is written first whenever the session
	 * gains a principal or a new id, so that a failure between the two writes can leave a stale index entry
	 * (harmless: it expires) but never a signed-in session missing from the index (which "sign out
	 * everywhere" would not find).
	 */
	@Override
	public void save(RedisPatternsSession session) {
		if (session.ended) {
			return;
		}
		String storageId = session.stored.getId();
		String principal = principalOf(session);
		String indexed = session.indexedPrincipal;
		String indexedId = session.indexedStorageId;
		boolean unchanged = principal != null && principal.equals(indexed) && storageId.equals(indexedId);
		boolean bound = principal != null && !unchanged;
		if (principal != null && !principal.equals(indexed)) {
			if (!this.signIns.signIn(session, principal, storageId)) {
				return;
			}
		}
		else if (bound) {
			this.index.bind(principal, storageId, null, session.getMaxInactiveInterval(), SessionLimit.unlimited());
		}
		this.store.delegate().save(session.stored);
		session.storedId = storageId;
		if (bound && !this.index.contains(principal, storageId)) {
			// A simultaneous sign-in evicted this session before it was written: end it now.
			session.ended = true;
			this.store.delete(storageId);
			return;
		}
		if (unchanged) {
			if (session.dirty) {
				this.index.touch(principal, storageId, session.getMaxInactiveInterval());
			}
		}
		else if (indexed != null && indexedId != null) {
			this.index.unbind(indexed, indexedId);
		}
		session.indexedPrincipal = principal;
		session.indexedStorageId = (principal != null) ? storageId : null;
		session.dirty = false;
	}

	@Override
	public @Nullable RedisPatternsSession findById(String id) {
		for (String storageId : this.hasher.lookupIds(id)) {
			RedisIndexedSessionRepository.RedisSession stored = this.store.find(storageId);
			if (stored != null) {
				RedisPatternsSession session = new RedisPatternsSession(this, stored, id, null, false);
				session.indexedPrincipal = principalOf(session);
				session.indexedStorageId = (session.indexedPrincipal != null) ? storageId : null;
				session.storedId = storageId;
				return session;
			}
		}
		return null;
	}

	@Override
	public void deleteById(String id) {
		RedisPatternsSession session = findById(id);
		if (session == null) {
			return;
		}
		// ended before it is unlisted: a failure must not leave it live and out of its user's index
		this.store.delete(session.handle());
		if (session.indexedPrincipal != null) {
			this.index.unbind(session.indexedPrincipal, Objects.requireNonNull(session.indexedStorageId));
		}
		this.listener.onSessionsRevoked(SessionListener.Revocation.INVALIDATED, 1);
	}

	/**
	 * The live sessions of the user named {@code indexValue}, keyed by their handles. Only the principal
	 * name index exists; other index names find nothing.
	 */
	@Override
	public Map<String, RedisPatternsSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName)) {
			return Collections.emptyMap();
		}
		Map<String, RedisPatternsSession> sessions = new LinkedHashMap<>();
		for (String handle : this.index.members(indexValue)) {
			RedisIndexedSessionRepository.RedisSession stored = this.store.find(handle);
			if (stored != null) {
				RedisPatternsSession session = new RedisPatternsSession(this, stored, null, indexValue, false);
				sessions.put(handle, session);
			}
		}
		return sessions;
	}

	SessionRevocations revocations() {
		return this.revocations;
	}

	PrincipalIndex index() {
		return this.index;
	}

	SessionIdHasher hasher() {
		return this.hasher;
	}

	/**
	 * Counts live sessions from Spring Session's expiry buckets (one set per minute), summed over the
	 * default timeout: a cluster-wide figure, accurate to about a minute. Empty when the timeout is longer
	 * than a day or never expires.
	 */
	public OptionalLong activeSessions() {
		return this.store.activeSessions();
	}

	/**
	 * Receives Spring Session's created events and the keyspace notifications it turns into deleted and
	 * expired events; only subscribed with {@code redis.patterns.session.events.enabled}.
	 */
	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		this.events.onMessage(message, pattern);
	}

	/** The keyspace channels and patterns {@link #onMessage} needs. */
	public List<String> eventChannels() {
		return this.events.channels();
	}

	/** The pattern of Spring Session's created-event channels. */
	public String createdEventPattern() {
		return this.events.createdPattern();
	}

	String generatedId() {
		return this.idGenerator.takeGenerated();
	}

	SessionAttributes attributes() {
		return this.attributes;
	}

	SessionSignIns signIns() {
		return this.signIns;
	}

	@Nullable String principalOf(Session session) {
		return this.signIns.principalOf(session);
	}

	static boolean isPrincipalAttribute(String attributeName) {
		return PRINCIPAL_NAME_INDEX_NAME.equals(attributeName) || SPRING_SECURITY_CONTEXT.equals(attributeName);
	}

	/** Builds a {@link RedisPatternsSessionRepository}; every setting has a default. */
	public static final class Builder {

		private final RedisConnector connector;

		private final ScriptExecutor scripts;

		private final RedisKeys keys;

		private final ValueCodec codec;

		private Duration timeout = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;

		private SessionIdHasher hasher = SessionIdHasher.hmac(null, List.of(), false);

		private SessionIdGenerator ids = UuidSessionIdGenerator.getInstance();

		private SessionLimit limit = SessionLimit.unlimited();

		private FlushMode flushMode = FlushMode.ON_SAVE;

		private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

		private IndexResolver<Session> indexResolver = new DelegatingIndexResolver<>(new PrincipalNameIndexResolver<>());

		private SessionListener listener = SessionListener.NONE;

		private ApplicationEventPublisher eventPublisher = (event) -> {
		};

		private String cleanupCron = Scheduled.CRON_DISABLED;

		private @Nullable EncryptingValueCodec encryption;

		private boolean encryptAttributes;

		private IdentityHasher identities = IdentityHasher.none();

		private Builder(RedisConnector connector, ScriptExecutor scripts, RedisKeys keys, ValueCodec codec) {
			this.connector = connector;
			this.scripts = scripts;
			this.keys = keys;
			this.codec = codec;
		}

		/** Inactivity after which a session expires; each request pushes it forward. Default 30 minutes. */
		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/** How session ids become storage ids. Default: HMAC with the built-in public key. */
		public Builder hasher(SessionIdHasher hasher) {
			this.hasher = hasher;
			return this;
		}

		/** Source of new session ids (the ids browsers hold). Default: random UUIDs. */
		public Builder idGenerator(SessionIdGenerator ids) {
			this.ids = ids;
			return this;
		}

		public Builder limit(SessionLimit limit) {
			this.limit = limit;
			return this;
		}

		public Builder flushMode(FlushMode flushMode) {
			this.flushMode = flushMode;
			return this;
		}

		public Builder saveMode(SaveMode saveMode) {
			this.saveMode = saveMode;
			return this;
		}

		/** Resolves the principal name of a session. Default: Spring Session's principal name resolver. */
		public Builder indexResolver(IndexResolver<Session> indexResolver) {
			this.indexResolver = indexResolver;
			return this;
		}

		public Builder listener(SessionListener listener) {
			this.listener = listener;
			return this;
		}

		/** Receives Spring Session's created, deleted and expired events (when they are subscribed). */
		public Builder eventPublisher(ApplicationEventPublisher eventPublisher) {
			this.eventPublisher = eventPublisher;
			return this;
		}

		/**
		 * Cron of Spring Session's clean-up task, which touches sessions due to expire so Redis fires their
		 * expired notifications on time. Only useful with session events; off by default.
		 */
		public Builder cleanupCron(String cleanupCron) {
			this.cleanupCron = cleanupCron;
			return this;
		}

		/**
		 * Encrypts attributes with {@code encryption}, bound to their session and name, or with {@code null}
		 * stores them in clear (default). An attribute that fails authentication reads as absent.
		 */
		public Builder encryptAttributes(@Nullable EncryptingValueCodec encryption) {
			this.encryption = encryption;
			this.encryptAttributes = encryption != null;
			return this;
		}

		/**
		 * Opens encrypted attributes without encrypting new ones: for turning encryption off while sessions
		 * with encrypted attributes are alive.
		 */
		public Builder readEncryptedAttributes(EncryptingValueCodec encryption) {
			this.encryption = encryption;
			this.encryptAttributes = false;
			return this;
		}

		/** How user names appear in the keys of the user index (default: as they are). */
		public Builder identities(IdentityHasher identities) {
			this.identities = identities;
			return this;
		}

		public RedisPatternsSessionRepository build() {
			return new RedisPatternsSessionRepository(this);
		}

	}

}
