package dev.redispatterns.session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;

/**
 * Spring Session's created events and the keyspace notifications it turns into deleted and expired
 * events, plus the count of expirations: every instance receives every notification, so a short-lived
 * marker lets exactly one of them count it.
 */
final class SessionKeyspaceEvents implements MessageListener {

	private static final Log logger = LogFactory.getLog(RedisPatternsSessionRepository.class);

	private final RedisIndexedSessionRepository delegate;

	private final RedisConnector connector;

	private final RedisKeys keys;

	private final SessionListener listener;

	private final byte[] expiredChannel;

	private final byte[] expiresKeyPrefix;

	SessionKeyspaceEvents(RedisIndexedSessionRepository delegate, RedisConnector connector, RedisKeys keys,
			String namespace, SessionListener listener) {
		this.delegate = delegate;
		this.connector = connector;
		this.keys = keys;
		this.listener = listener;
		this.expiredChannel = ("__keyevent@" + connector.database() + "__:expired").getBytes(StandardCharsets.UTF_8);
		this.expiresKeyPrefix = (namespace + ":sessions:expires:").getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		// counted before the event is published: whoever sees the event sees it counted
		if (Arrays.equals(message.getChannel(), this.expiredChannel) && startsWith(message.getBody(), this.expiresKeyPrefix)) {
			countExpiration(message.getBody());
		}
		try {
			this.delegate.onMessage(message, pattern);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not publish a session event: " + ex.getClass().getSimpleName());
		}
	}

	private void countExpiration(byte[] expiredKey) {
		String storageId = new String(expiredKey, this.expiresKeyPrefix.length,
				expiredKey.length - this.expiresKeyPrefix.length, StandardCharsets.UTF_8);
		byte[] marker = this.keys.key("session", "expired", storageId).getBytes(StandardCharsets.UTF_8);
		try {
			if (this.connector.await(
					this.connector.commands().setIfAbsent(marker, new byte[0], PrincipalIndex.GRACE.toMillis()))) {
				this.listener.onSessionExpired();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not count a session expiration", ex);
		}
	}

	List<String> channels() {
		return List.of(new String(this.expiredChannel, StandardCharsets.UTF_8),
				this.delegate.getSessionDeletedChannel());
	}

	String createdPattern() {
		return this.delegate.getSessionCreatedChannelPrefix() + "*";
	}

	private static boolean startsWith(byte[] value, byte[] prefix) {
		return value.length > prefix.length && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
	}

}
