package dev.redispatterns.autoconfigure.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.web.servlet.DispatcherType;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;

import dev.redispatterns.session.SessionLimit;

/**
 * Spring Session on Redis, as the starter configures it.
 */
@ConfigurationProperties("redis.patterns.session")
public class RedisPatternsSessionProperties {

	/**
	 * Whether the starter stores the HTTP sessions of a servlet web application in Redis (needs
	 * spring-session-data-redis on the classpath).
	 */
	private boolean enabled = true;

	/**
	 * Inactivity after which a session expires; every request pushes it forward (sliding expiration). When
	 * not set, 'spring.session.timeout' applies, then 'server.servlet.session.timeout', then 30 minutes.
	 */
	private @Nullable Duration timeout;

	/**
	 * Most concurrent sessions one user (principal name) may hold across all instances; 0 for no limit.
	 */
	private int maxSessionsPerUser = 0;

	/**
	 * What a sign-in beyond 'max-sessions-per-user' does: 'evict-oldest' ends the user's least recently used
	 * sessions, 'refuse' fails the sign-in with SessionLimitExceededException.
	 */
	private SessionLimit.Policy whenLimitExceeded = SessionLimit.Policy.EVICT_OLDEST;

	/**
	 * When session changes are written to Redis: 'on-save' at the end of the request, 'immediate' on every
	 * change. When not set, 'spring.session.data.redis.flush-mode' applies if set.
	 */
	private FlushMode flushMode = FlushMode.ON_SAVE;

	/**
	 * Which attributes a request writes back: those set ('on-set-attribute'), also those read
	 * ('on-get-attribute'), or all ('always'). When not set, 'spring.session.data.redis.save-mode' applies
	 * if set.
	 */
	private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

	/**
	 * Whether session attributes are stored encrypted (AES-GCM, bound to their session and attribute name)
	 * with the keys of 'redis.patterns.codec.encryption'. An attribute that fails authentication, or one
	 * stored in clear, is treated as absent; turning this on therefore ends existing sign-ins once.
	 */
	private boolean encryptAttributes;

	private final KeyHashing keyHashing = new KeyHashing();

	private final Events events = new Events();

	private final Servlet servlet = new Servlet();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(@Nullable Duration timeout) {
		this.timeout = timeout;
	}

	public int getMaxSessionsPerUser() {
		return this.maxSessionsPerUser;
	}

	public void setMaxSessionsPerUser(int maxSessionsPerUser) {
		this.maxSessionsPerUser = maxSessionsPerUser;
	}

	public SessionLimit.Policy getWhenLimitExceeded() {
		return this.whenLimitExceeded;
	}

	public void setWhenLimitExceeded(SessionLimit.Policy whenLimitExceeded) {
		this.whenLimitExceeded = whenLimitExceeded;
	}

	public FlushMode getFlushMode() {
		return this.flushMode;
	}

	public void setFlushMode(FlushMode flushMode) {
		this.flushMode = flushMode;
	}

	public SaveMode getSaveMode() {
		return this.saveMode;
	}

	public void setSaveMode(SaveMode saveMode) {
		this.saveMode = saveMode;
	}

	public boolean isEncryptAttributes() {
		return this.encryptAttributes;
	}

	public void setEncryptAttributes(boolean encryptAttributes) {
		this.encryptAttributes = encryptAttributes;
	}

	public KeyHashing getKeyHashing() {
		return this.keyHashing;
	}

	public Events getEvents() {
		return this.events;
	}

	public Servlet getServlet() {
		return this.servlet;
	}

	/**
	 * How session ids become Redis keys.
	 */
	public static class KeyHashing {

		/**
		 * Whether sessions are stored under an HMAC-SHA256 of their id instead of the id itself, so read
		 * access to Redis does not hand out live session ids.
		 */
		private boolean enabled = true;

		/**
		 * HMAC secret, at least 32 characters, identical on every instance. When not set, a built-in public
		 * key is used: still one-way, but not keyed (a warning is logged at start-up).
		 */
		private @Nullable String secret;

		/**
		 * Former secrets, tried when a session is not found under the current one, so rotating the secret
		 * does not sign everybody out. Remove them once the session timeout has passed.
		 */
		private List<String> previousSecrets = new ArrayList<>();

		/**
		 * Whether a session not found under its hashed id is also looked up under its raw id: sessions
		 * written while hashing was off keep working until they expire.
		 */
		private boolean acceptUnhashed = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public List<String> getPreviousSecrets() {
			return this.previousSecrets;
		}

		public void setPreviousSecrets(List<String> previousSecrets) {
			this.previousSecrets = previousSecrets;
		}

		public boolean isAcceptUnhashed() {
			return this.acceptUnhashed;
		}

		public void setAcceptUnhashed(boolean acceptUnhashed) {
			this.acceptUnhashed = acceptUnhashed;
		}

	}

	/**
	 * Spring Session's created, deleted and expired events.
	 */
	public static class Events {

		/**
		 * Whether session events are published (SessionCreatedEvent, SessionDeletedEvent,
		 * SessionExpiredEvent, HttpSessionListener calls) and expirations counted. Needs Redis keyspace
		 * notifications 'Egx' (notify-keyspace-events). When not set, on with
		 * 'spring.session.data.redis.repository-type=indexed'.
		 */
		private boolean enabled = false;

		/**
		 * Whether the starter enables keyspace notifications itself with CONFIG SET at start-up. Managed
		 * Redis services usually block CONFIG: set 'notify-keyspace-events' in their settings instead. When
		 * not set, an explicit 'spring.session.data.redis.configure-action' decides.
		 */
		private boolean configureKeyspaceNotifications = false;

		/**
		 * Cron of the clean-up task that makes Redis fire expired notifications on time (Redis expires
		 * untouched keys lazily). When not set, 'spring.session.data.redis.cleanup-cron' applies if set.
		 */
		private String cleanupCron = "0 * * * * *";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isConfigureKeyspaceNotifications() {
			return this.configureKeyspaceNotifications;
		}

		public void setConfigureKeyspaceNotifications(boolean configureKeyspaceNotifications) {
			this.configureKeyspaceNotifications = configureKeyspaceNotifications;
		}

		public String getCleanupCron() {
			return this.cleanupCron;
		}

		public void setCleanupCron(String cleanupCron) {
			this.cleanupCron = cleanupCron;
		}

	}

	/**
	 * Registration of the session filter.
	 */
	public static class Servlet {

		/**
		 * Order of the session repository filter (Spring Session's default, Integer.MIN_VALUE + 50). When not
		 * set, 'spring.session.servlet.filter-order' applies if set.
		 */
		private int filterOrder = -2147483598;

		/**
		 * Dispatcher types the session repository filter runs for (async, error and request by default).
		 * When not set, 'spring.session.servlet.filter-dispatcher-types' applies if set.
		 */
		private Set<DispatcherType> filterDispatcherTypes = new LinkedHashSet<>(
				Arrays.asList(DispatcherType.ASYNC, DispatcherType.ERROR, DispatcherType.REQUEST));

		public int getFilterOrder() {
			return this.filterOrder;
		}

		public void setFilterOrder(int filterOrder) {
			this.filterOrder = filterOrder;
		}

		public Set<DispatcherType> getFilterDispatcherTypes() {
			return this.filterDispatcherTypes;
		}

		public void setFilterDispatcherTypes(Set<DispatcherType> filterDispatcherTypes) {
			this.filterDispatcherTypes = filterDispatcherTypes;
		}

	}

}
