package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCodec;

/**
 * Spring Session's {@link RedisIndexedSessionRepository} as the starter sets it up (keys and values
 * through the strict codec, its own principal sets off, cluster-safe renames), with the deletion and the
 * active-session count that read its storage layout.
 */
final class StoredSessions {

	private static final Log logger = LogFactory.getLog(RedisPatternsSessionRepository.class);

	/** Longest timeout the active-sessions count covers: one {@code SCARD} per minute of it. */
	private static final Duration COUNTED_HORIZON = Duration.ofHours(24);

	private final RedisIndexedSessionRepository delegate;

	private final RedisConnector connector;

	private final ValueCodec codec;

	private final String namespace;

	private final Duration timeout;

	StoredSessions(RedisConnector connector, ValueCodec codec, String namespace, Settings settings) {
		this.connector = connector;
		this.codec = codec;
		this.namespace = namespace;
		this.timeout = settings.timeout();
		RedisTemplate<String, Object> template = connector.isCluster() ? new ClusterRenameTemplate(connector)
				: new RedisTemplate<>();
		template.setConnectionFactory(connector.connectionFactory());
		template.setKeySerializer(StringRedisSerializer.UTF_8);
		template.setHashKeySerializer(StringRedisSerializer.UTF_8);
		template.setStringSerializer(StringRedisSerializer.UTF_8);
		SessionValueSerializer strict = SessionValueSerializer.strict(codec);
		template.setValueSerializer(strict);
		template.setDefaultSerializer(strict);
		template.setHashValueSerializer(SessionValueSerializer.forHashValues(codec));
		template.afterPropertiesSet();
		RedisIndexedSessionRepository repository = new RedisIndexedSessionRepository(template);
		repository.setRedisKeyNamespace(namespace);
		repository.setDatabase(connector.database());
		repository.setDefaultMaxInactiveInterval(settings.timeout());
		repository.setDefaultSerializer(strict);
		repository.setFlushMode(settings.flushMode());
		repository.setSaveMode(settings.saveMode());
		repository.setSessionIdGenerator(settings.idGenerator());
		repository.setRedisSessionMapper(new StoredSessionMapper(settings.listener()));
		// Users are indexed by PrincipalIndex; Spring Session's own sets would never expire.
		repository.setIndexResolver((session) -> Collections.emptyMap());
		repository.setCleanupCron(settings.cleanupCron());
		repository.setApplicationEventPublisher(settings.eventPublisher());
		this.delegate = repository;
	}

	/** What Spring Session's repository is configured with. */
	record Settings(Duration timeout, FlushMode flushMode, SaveMode saveMode, SessionIdGenerator idGenerator,
			SessionListener listener, String cleanupCron, ApplicationEventPublisher eventPublisher) {
	}

	RedisIndexedSessionRepository delegate() {
		return this.delegate;
	}

	@Nullable RedisIndexedSessionRepository.RedisSession find(String storageId) {
		return this.delegate.findById(storageId);
	}

	/**
	 * Deletes a stored session the way Spring Session does (which keeps it, expired, for its deleted event)
	 * and takes it out of the expiry bucket Spring Session files it under, so it no longer counts as active.
	 * Spring Session ends a session with a write that Redis refuses when it is out of memory (maxmemory with
	 * noeviction); the session's keys are then deleted instead, which Redis allows.
	 * @return whether the session was live
	 * @throws RuntimeException if the session could not be ended
	 */
	boolean delete(String storageId) {
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

	/**
	 * Counts live sessions from Spring Session's expiry buckets (one set per minute), summed over the
	 * default timeout. Empty when the timeout is longer than a day or never expires.
	 */
	OptionalLong activeSessions() {
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

}
