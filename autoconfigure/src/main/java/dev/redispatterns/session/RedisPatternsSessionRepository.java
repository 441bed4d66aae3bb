package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.StringRedisSerializer;
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
import dev.redispatterns.core.IdentityHasher;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisKeys;
import dev.redispatterns.core.ScriptExecutor;
import dev.redispatterns.core.ValueCipher;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.ValueDecodingException;
import dev.redispatterns.core.ValueEncodingException;
import dev.redispatterns.session.SessionValueSerializer.SealedValue;

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
		MessageListener, InitializingBean, DisposableBean {

	static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

	private static final Log logger = LogFactory.getLog(RedisPatternsSessionRepository.class);

	/** Longest timeout the active-sessions count covers: one {@code SCARD} per minute of it. */
	private static final Duration COUNTED_HORIZON = Duration.ofHours(24);

	private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final RedisIndexedSessionRepository delegate;

	private final RedisConnector connector;

	private final RedisKeys keys;

	private final ValueCodec codec;

	private final SessionIdHasher hasher;

	private final HashingSessionIdGenerator idGenerator;

	private final PrincipalIndex index;

	private final IndexResolver<Session> indexResolver;

	private final SessionLimit limit;

	private final SessionEventListener listener;

	private final Duration timeout;

	private final String namespace;

	private final byte[] expiredChannel;

	private final byte[] expiresKeyPrefix;

	/** Opens encrypted attributes; {@code null} when no encryption key is configured. */
	private final @Nullable EncryptingValueCodec encryption;

	private final boolean encryptAttributes;

	private final AtomicLong lastRefusalWarning = new AtomicLong();

	private RedisPatternsSessionRepository(Builder builder) {
		this.connector = builder.connector;
		this.keys = builder.keys;
		this.codec = builder.codec;
		this.hasher = builder.hasher;
		this.idGenerator = new HashingSessionIdGenerator(builder.ids, builder.hasher);
		this.index = new PrincipalIndex(builder.connector, builder.scripts, builder.keys, builder.identities);
		this.encryption = builder.encryption;
		this.encryptAttributes = builder.encryptAttributes;
		this.indexResolver = builder.indexResolver;
		this.limit = builder.limit;
		this.listener = builder.listener;
		this.timeout = builder.timeout;
		this.namespace = builder.keys.key("session");
		this.delegate = createDelegate(builder);
		int database = builder.connector.database();
		this.expiredChannel = ("__keyevent@" + database + "__:expired").getBytes(StandardCharsets.UTF_8);
		this.expiresKeyPrefix = (this.namespace + ":sessions:expires:").getBytes(StandardCharsets.UTF_8);
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

	private RedisIndexedSessionRepository createDelegate(Builder builder) {
		RedisTemplate<String, Object> template = builder.connector.isCluster()
				? new ClusterRenameTemplate(builder.connector) : new RedisTemplate<>();
		template.setConnectionFactory(builder.connector.connectionFactory());
		template.setKeySerializer(StringRedisSerializer.UTF_8);
		template.setHashKeySerializer(StringRedisSerializer.UTF_8);
		template.setStringSerializer(StringRedisSerializer.UTF_8);
		SessionValueSerializer strict = SessionValueSerializer.strict(builder.codec);
		template.setValueSerializer(strict);
		template.setDefaultSerializer(strict);
		template.setHashValueSerializer(SessionValueSerializer.forHashValues(builder.codec));
		template.afterPropertiesSet();
		RedisIndexedSessionRepository repository = new RedisIndexedSessionRepository(template);
		repository.setRedisKeyNamespace(this.namespace);
		repository.setDatabase(builder.connector.database());
		repository.setDefaultMaxInactiveInterval(builder.timeout);
		repository.setDefaultSerializer(strict);
		repository.setFlushMode(builder.flushMode);
		repository.setSaveMode(builder.saveMode);
		repository.setSessionIdGenerator(this.idGenerator);
		repository.setRedisSessionMapper(new StoredSessionMapper(builder.listener));
		// Users are indexed by PrincipalIndex; Spring Session's own sets would never expire.
		repository.setIndexResolver((session) -> Collections.emptyMap());
		repository.setCleanupCron(builder.cleanupCron);
		repository.setApplicationEventPublisher(builder.eventPublisher);
		return repository;
	}

	@Override
	public void afterPropertiesSet() {
		this.delegate.afterPropertiesSet();
	}

	@Override
	public void destroy() {
		this.delegate.destroy();
	}

	@Override
	public RedisPatternsSession createSession() {
		RedisIndexedSessionRepository.RedisSession stored = this.delegate.createSession();
		String id = this.idGenerator.takeGenerated();
		this.listener.sessionCreated();
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
			if (!signIn(session, principal, storageId)) {
				return;
			}
		}
		else if (bound) {
			this.index.bind(principal, storageId, null, session.getMaxInactiveInterval(), SessionLimit.unlimited());
		}
		this.delegate.save(session.stored);
		session.storedId = storageId;
		if (bound && !this.index.contains(principal, storageId)) {
			// A simultaneous sign-in evicted this session before it was written: end it now.
			session.ended = true;
			delete(storageId);
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

	/** Adds a signing-in session to its user's index under the session limit; {@code false} if refused. */
	private boolean signIn(RedisPatternsSession session, String principal, String storageId) {
		List<String> evicted = this.index.bind(principal, storageId, null, session.getMaxInactiveInterval(),
				this.limit);
		if (evicted == null) {
			// Lost a race against simultaneous sign-ins: the limit wins, this session ends unsaved.
			session.ended = true;
			if (session.indexedPrincipal != null && session.indexedStorageId != null) {
				this.index.unbind(session.indexedPrincipal, session.indexedStorageId);
			}
			if (session.storedId != null) {
				delete(session.storedId);
			}
			delete(storageId);
			this.listener.sessionRefused(SessionEventListener.Refusal.LIMIT);
			if (logger.isDebugEnabled()) {
				logger.debug("Ended a session signing in: its user reached the maximum of " + this.limit.maxSessions()
						+ " concurrent sessions (redis.patterns.session.max-sessions-per-user)");
			}
			return false;
		}
		for (String victim : evicted) {
			delete(victim);
		}
		if (!evicted.isEmpty()) {
			this.listener.sessionsRevoked(SessionEventListener.Revocation.LIMIT, evicted.size());
		}
		return true;
	}

	@Override
	public @Nullable RedisPatternsSession findById(String id) {
		for (String storageId : this.hasher.lookupIds(id)) {
			RedisIndexedSessionRepository.RedisSession stored = this.delegate.findById(storageId);
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
		delete(session.handle());
		if (session.indexedPrincipal != null) {
			this.index.unbind(session.indexedPrincipal, Objects.requireNonNull(session.indexedStorageId));
		}
		this.listener.sessionsRevoked(SessionEventListener.Revocation.INVALIDATED, 1);
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
			RedisIndexedSessionRepository.RedisSession stored = this.delegate.findById(handle);
			if (stored != null) {
				RedisPatternsSession session = new RedisPatternsSession(this, stored, null, indexValue, false);
				sessions.put(handle, session);
			}
		}
		return sessions;
	}

	/**
	 * Ends sessions listed in a user's index, then takes them out of it. Stops at the first session it
	 * cannot end: that one and the rest stay listed, so a later call finds and ends them.
	 * @return how many live sessions ended
	 * @throws SessionRevocationException if a session could not be ended
	 */
	int revoke(String principal, List<String> handles, SessionEventListener.Revocation reason) {
		List<String> ended = new ArrayList<>(handles.size());
		int revoked = 0;
		RuntimeException failure = null;
		for (String handle : handles) {
			try {
				if (delete(handle)) {
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
			this.listener.sessionsRevoked(reason, revoked);
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

	/**
	 * Deletes a stored session the way Spring Session does (which keeps it, expired, for its deleted event)
	 * and takes it out of the expiry bucket Spring Session files it under, so it no longer counts as active.
	 * Spring Session ends a session with a write that Redis refuses when it is out of memory (maxmemory with
	 * noeviction); the session's keys are then deleted instead, which Redis allows.
	 * @return whether the session was live
	 * @throws RuntimeException if the session could not be ended
	 */
	private boolean delete(String storageId) {
		RedisIndexedSessionRepository.RedisSession stored = this.delegate.findById(storageId);
		try {
			this.delegate.deleteById(storageId);
		}
		catch (RuntimeException ex) {
			removeKeys(storageId, ex);
		}
		if (stored == null) {
			return false;
		}
		long bucket = Instant.ofEpochMilli(stored.getLastAccessedTime().toEpochMilli())
			.truncatedTo(ChronoUnit.MINUTES)
			.plus(1, ChronoUnit.MINUTES)
			.toEpochMilli();
		try {
			this.connector.commands()
				.srem((this.namespace + ":expirations:" + bucket).getBytes(StandardCharsets.UTF_8),
						this.codec.encode("expires:" + storageId));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not take a deleted session out of its expiry bucket", ex);
		}
		return true;
	}

	/** Deletes a session's keys (two slots on a cluster); rethrows {@code failure} if that fails too. */
	private void removeKeys(String storageId, RuntimeException failure) {
		try {
			CompletableFuture<Long> session = this.connector.commands()
				.del((this.namespace + ":sessions:" + storageId).getBytes(StandardCharsets.UTF_8));
			CompletableFuture<Long> expires = this.connector.commands()
				.del((this.namespace + ":sessions:expires:" + storageId).getBytes(StandardCharsets.UTF_8));
			this.connector.await(session);
			this.connector.await(expires);
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
			throw failure;
		}
		logger.debug("Deleted a session's keys after Spring Session could not end it (no deleted event): "
				+ failure.getMessage());
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
		if (this.timeout.isNegative() || this.timeout.compareTo(COUNTED_HORIZON) > 0) {
			return OptionalLong.empty();
		}
		long now = System.currentTimeMillis();
		long first = Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES).toEpochMilli();
		long last = Instant.ofEpochMilli(now + this.timeout.toMillis())
			.truncatedTo(ChronoUnit.MINUTES)
			.plus(1, ChronoUnit.MINUTES)
			.toEpochMilli();
		List<CompletableFuture<Long>> counts = new ArrayList<>();
		for (long minute = first; minute <= last; minute += 60_000) {
			byte[] key = (this.namespace + ":expirations:" + minute).getBytes(StandardCharsets.UTF_8);
			counts.add(this.connector.commands().scard(key));
		}
		long total = 0;
		for (CompletableFuture<Long> count : counts) {
			total += this.connector.await(count);
		}
		return OptionalLong.of(total);
	}

	/**
	 * Receives Spring Session's created events and the keyspace notifications it turns into deleted and
	 * expired events; only subscribed with {@code redis.patterns.session.events.enabled}.
	 */
	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		try {
			this.delegate.onMessage(message, pattern);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not publish a session event: " + ex.getClass().getSimpleName());
		}
		if (Arrays.equals(message.getChannel(), this.expiredChannel) && startsWith(message.getBody(), this.expiresKeyPrefix)) {
			countExpiration(message.getBody());
		}
	}

	/** Every instance receives every notification; a short-lived marker lets exactly one count it. */
	private void countExpiration(byte[] expiredKey) {
		String storageId = new String(expiredKey, this.expiresKeyPrefix.length,
				expiredKey.length - this.expiresKeyPrefix.length, StandardCharsets.UTF_8);
		byte[] marker = this.keys.key("session", "expired", storageId).getBytes(StandardCharsets.UTF_8);
		try {
			if (this.connector.await(
					this.connector.commands().setIfAbsent(marker, new byte[0], PrincipalIndex.GRACE.toMillis()))) {
				this.listener.sessionExpired();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not count a session expiration", ex);
		}
	}

	/** The keyspace channels and patterns {@link #onMessage} needs. */
	public List<String> eventChannels() {
		return List.of(new String(this.expiredChannel, StandardCharsets.UTF_8),
				this.delegate.getSessionDeletedChannel());
	}

	/** The pattern of Spring Session's created-event channels. */
	public String createdEventPattern() {
		return this.delegate.getSessionCreatedChannelPrefix() + "*";
	}

	String generatedId() {
		return this.idGenerator.takeGenerated();
	}

	/**
	 * The form an attribute value is kept in until it is written: the value itself, checked against the
	 * codec, or encrypted for this session and name.
	 * @throws ValueEncodingException naming the attribute if the value cannot be stored
	 */
	Object storable(String storageId, String attributeName, Object value) {
		try {
			if (this.encryptAttributes) {
				EncryptingValueCodec encryption = Objects.requireNonNull(this.encryption);
				return new SealedValue(encryption.encode(value, associatedData(storageId, attributeName)));
			}
			this.codec.encode(value);
			return value;
		}
		catch (ValueEncodingException ex) {
			Object standIn = SignInFailures.storable(attributeName, value);
			if (standIn != null) {
				return storable(storageId, attributeName, standIn);
			}
			throw new ValueEncodingException(
					"Session attribute '" + attributeName + "' cannot be stored: " + ex.getMessage(), ex);
		}
	}

	/**
	 * An attribute as the application sees it: encrypted ones opened, and treated as absent ({@code null})
	 * when they fail authentication or decoding; values stored in clear are absent where attributes are
	 * encrypted, so that nobody can slip a value into a session by writing to Redis.
	 */
	@Nullable Object readable(String storageId, String attributeName, @Nullable Object stored) {
		if (stored instanceof SealedValue sealed) {
			EncryptingValueCodec encryption = this.encryption;
			if (encryption == null) {
				refuseAttribute(attributeName, "is encrypted, but no encryption key is configured");
				return null;
			}
			try {
				return encryption.decode(sealed.bytes(), associatedData(storageId, attributeName));
			}
			catch (ValueDecodingException ex) {
				refuseAttribute(attributeName, ex.getMessage());
				return null;
			}
		}
		if (stored != null && this.encryptAttributes) {
			refuseAttribute(attributeName, "was stored in clear, but attributes are encrypted");
			return null;
		}
		return stored;
	}

	/** Whether a stored attribute was sealed with a key other than the active one (a rotation is under way). */
	boolean sealedWithRetiringKey(@Nullable Object stored) {
		if (!this.encryptAttributes || !(stored instanceof SealedValue sealed)) {
			return false;
		}
		String active = Objects.requireNonNull(this.encryption).cipher().activeKeyId();
		return !active.equals(ValueCipher.keyIdOf(sealed.bytes()));
	}

	/** Whether attributes are encrypted: values are sealed for their storage id, so a new id reseals them. */
	boolean encryptsAttributes() {
		return this.encryptAttributes;
	}

	/** Binds a ciphertext to its session and attribute: storage ids never contain NUL. */
	private static byte[] associatedData(String storageId, String attributeName) {
		return ("session-attribute\0" + storageId + "\0" + attributeName).getBytes(StandardCharsets.UTF_8);
	}

	/** Stored data can be tampered with in bulk: WARN at most once a minute, else DEBUG; never the session id. */
	private void refuseAttribute(String attributeName, String why) {
		this.listener.sessionRefused(SessionEventListener.Refusal.NOT_AUTHENTIC);
		String message = "Ignoring session attribute '" + StoredSessionMapper.printable(attributeName) + "': " + why;
		long now = System.nanoTime();
		long last = this.lastRefusalWarning.get();
		if ((last == 0 || now - last >= WARNING_INTERVAL_NANOS)
				&& this.lastRefusalWarning.compareAndSet(last, (now == 0) ? 1 : now)) {
			logger.warn(message + " (further ones within a minute are logged at DEBUG level)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
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
			this.listener.sessionRefused(SessionEventListener.Refusal.LIMIT);
			throw new SessionLimitExceededException(this.limit.maxSessions());
		}
	}

	@Nullable String principalOf(Session session) {
		return this.indexResolver.resolveIndexesFor(session).get(PRINCIPAL_NAME_INDEX_NAME);
	}

	static boolean isPrincipalAttribute(String attributeName) {
		return PRINCIPAL_NAME_INDEX_NAME.equals(attributeName) || SPRING_SECURITY_CONTEXT.equals(attributeName);
	}

	private static boolean startsWith(byte[] value, byte[] prefix) {
		return value.length > prefix.length && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
	}

	/**
	 * Spring Session renames a session's keys when its id changes. On Redis Cluster the two keys usually lie
	 * in different slots, where Spring Data Redis copies the key with {@code DUMP}/{@code RESTORE} but drops
	 * its time to live; this copy keeps it, so no session key lives on without expiry should the rest of the
	 * save not happen.
	 */
	static final class ClusterRenameTemplate extends RedisTemplate<String, Object> {

		private final RedisConnector connector;

		ClusterRenameTemplate(RedisConnector connector) {
			this.connector = connector;
		}

		@Override
		public void rename(String oldKey, String newKey) {
			byte[] source = oldKey.getBytes(StandardCharsets.UTF_8);
			byte[] target = newKey.getBytes(StandardCharsets.UTF_8);
			if (ClusterSlotHashUtil.calculateSlot(source) == ClusterSlotHashUtil.calculateSlot(target)) {
				super.rename(oldKey, newKey);
				return;
			}
			CompletableFuture<byte @Nullable []> dump = this.connector.commands().dump(source);
			CompletableFuture<Long> ttl = this.connector.commands().pttl(source);
			byte[] value = this.connector.await(dump);
			long millis = this.connector.await(ttl);
			if (value == null || millis == -2) {
				// gone meanwhile (expired or deleted): nothing to move, as with Spring Data Redis; a copy
				// restored after its source expired between the two reads would live on without expiry
				return;
			}
			this.connector.await(this.connector.commands().restoreReplacing(target, Math.max(millis, 0), value));
			this.connector.await(this.connector.commands().del(source));
		}

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

		private SessionEventListener listener = SessionEventListener.NONE;

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

		public Builder listener(SessionEventListener listener) {
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
