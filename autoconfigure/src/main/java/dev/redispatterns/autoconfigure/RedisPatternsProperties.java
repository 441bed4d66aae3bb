package dev.redispatterns.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings shared by every pattern of the starter.
 */
@ConfigurationProperties("redis.patterns")
public class RedisPatternsProperties {

	/**
	 * Whether the starter is active at all. Each area has its own switch as well.
	 */
	private boolean enabled = true;

	/**
	 * Prefix of every key the starter writes, so its data is easy to find, to separate per application
	 * and to grant in a Redis ACL.
	 */
	private String keyPrefix = "rp";

	/**
	 * Longest wait for one Redis command issued by the starter. Features fall back to their documented
	 * failure behaviour when it passes.
	 */
	private Duration commandTimeout = Duration.ofSeconds(1);

	/**
	 * How the starter talks to Redis. 'auto' uses Lettuce's asynchronous API directly when the connection
	 * factory is Lettuce's and Spring Data Redis otherwise (Jedis, wrapped or decorated factories);
	 * 'portable' always uses Spring Data Redis. See docs/portability.md for what differs.
	 */
	private Client client = Client.AUTO;

	/**
	 * Longest pause between Lettuce's attempts to reconnect after a connection broke, so features recover
	 * soon after a long outage ends (Lettuce's own default grows to 30 seconds).
	 */
	private Duration reconnectMaxDelay = Duration.ofSeconds(2);

	/**
	 * Whether the starter caps Lettuce's reconnect back-off at 'reconnect-max-delay'. When false, Lettuce's
	 * (or the application's own ClientResourcesBuilderCustomizer's) reconnect delay applies.
	 */
	private boolean capReconnectDelay = true;

	private final Codec codec = new Codec();

	private final Keys keys = new Keys();

	private final Expressions expressions = new Expressions();

	private final Cluster cluster = new Cluster();

	private final Sentinel sentinel = new Sentinel();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public Client getClient() {
		return this.client;
	}

	public void setClient(Client client) {
		this.client = client;
	}

	public boolean isCapReconnectDelay() {
		return this.capReconnectDelay;
	}

	public void setCapReconnectDelay(boolean capReconnectDelay) {
		this.capReconnectDelay = capReconnectDelay;
	}

	public Duration getReconnectMaxDelay() {
		return this.reconnectMaxDelay;
	}

	public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
		this.reconnectMaxDelay = reconnectMaxDelay;
	}

	public Codec getCodec() {
		return this.codec;
	}

	public Keys getKeys() {
		return this.keys;
	}

	public Expressions getExpressions() {
		return this.expressions;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public Sentinel getSentinel() {
		return this.sentinel;
	}

	/**
	 * JSON value codec settings.
	 */
	/** How the starter talks to Redis. */
	public enum Client {

		/** Lettuce's asynchronous API when the factory is Lettuce's, Spring Data Redis otherwise. */
		AUTO,

		/** Spring Data Redis on any connection factory. */
		PORTABLE

	}

	public static class Codec {

		/**
		 * Packages whose types may be stored (cache values, session attributes); sub-packages are
		 * included. Payloads naming any other type are refused.
		 */
		private List<String> allowedPackages = new ArrayList<>();

		/**
		 * Fully qualified names of single classes that may be stored in addition to the allowed packages.
		 */
		private List<String> allowedTypes = new ArrayList<>();

		/**
		 * Whether the application's own packages (those of its @SpringBootApplication class) are allowed.
		 */
		private boolean allowApplicationPackages = true;

		/**
		 * Largest encoded value the starter writes; larger values are refused with an error instead of
		 * being written.
		 */
		private DataSize maxValueSize = DataSize.ofMegabytes(1);

		/**
		 * Whether Spring Security's session types (security context, authentication tokens, users, granted
		 * authorities, saved requests, CSRF tokens, the last authentication failure) may be stored, with
		 * Spring Security's own Jackson mix-ins, when Spring Security is on the class path. Only those types
		 * are added to the allow-list, never whole packages.
		 */
		private boolean springSecurityTypes = true;

		private final Encryption encryption = new Encryption();

		public boolean isSpringSecurityTypes() {
			return this.springSecurityTypes;
		}

		public void setSpringSecurityTypes(boolean springSecurityTypes) {
			this.springSecurityTypes = springSecurityTypes;
		}

		public Encryption getEncryption() {
			return this.encryption;
		}

		public List<String> getAllowedPackages() {
			return this.allowedPackages;
		}

		public void setAllowedPackages(List<String> allowedPackages) {
			this.allowedPackages = allowedPackages;
		}

		public List<String> getAllowedTypes() {
			return this.allowedTypes;
		}

		public void setAllowedTypes(List<String> allowedTypes) {
			this.allowedTypes = allowedTypes;
		}

		public boolean isAllowApplicationPackages() {
			return this.allowApplicationPackages;
		}

		public void setAllowApplicationPackages(boolean allowApplicationPackages) {
			this.allowApplicationPackages = allowApplicationPackages;
		}

		public DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

	}

	/**
	 * Encryption of stored values (AES-GCM), used by caches with 'encrypt' and by sessions with
	 * 'encrypt-attributes'.
	 */
	public static class Encryption {

		/**
		 * Encryption keys by id (1 to 32 letters, digits, '-' or '_'), each 16, 24 or 32 random bytes in
		 * base64 (32 recommended, e.g. 'openssl rand -base64 32'). Every key decrypts; only the active one
		 * encrypts. Identical on every instance.
		 */
		private Map<String, String> keys = new LinkedHashMap<>();

		/**
		 * Id of the key that encrypts new values. May be omitted when exactly one key is configured.
		 */
		private @Nullable String activeKey;

		public Map<String, String> getKeys() {
			return this.keys;
		}

		public void setKeys(Map<String, String> keys) {
			this.keys = keys;
		}

		public @Nullable String getActiveKey() {
			return this.activeKey;
		}

		public void setActiveKey(@Nullable String activeKey) {
			this.activeKey = activeKey;
		}

		@Override
		public String toString() {
			return "Encryption[keys=" + this.keys.keySet() + ", activeKey=" + this.activeKey + "]";
		}

	}

	/**
	 * Settings of the key names the starter builds.
	 */
	public static class Keys {

		/**
		 * Whether identities that the starter itself puts into key names (user names of the session
		 * principal index, principal and client-address rate-limit keys, '@clientIp' values) are replaced by
		 * a keyed hash. Key expressions of the application are used as written.
		 */
		private boolean hashIdentities;

		/**
		 * HMAC secret for 'hash-identities', at least 32 characters, identical on every instance. Changing it
		 * starts every rate-limit bucket afresh and leaves existing sessions out of their user's index until
		 * they expire.
		 */
		private @Nullable String identitySecret;

		public boolean isHashIdentities() {
			return this.hashIdentities;
		}

		public void setHashIdentities(boolean hashIdentities) {
			this.hashIdentities = hashIdentities;
		}

		public @Nullable String getIdentitySecret() {
			return this.identitySecret;
		}

		public void setIdentitySecret(@Nullable String identitySecret) {
			this.identitySecret = identitySecret;
		}

		@Override
		public String toString() {
			return "Keys[hashIdentities=" + this.hashIdentities + "]";
		}

	}

	/**
	 * Key expression (SpEL) settings.
	 */
	public static class Expressions {

		/**
		 * Whether key expressions may reference beans with '@beanName' at all.
		 */
		private boolean allowBeanReferences = true;

		/**
		 * Beans that key expressions may reference with '@beanName' (and so call their methods); '*'
		 * allows every bean. An expression naming any other bean fails at start-up.
		 */
		private List<String> allowedBeans = new ArrayList<>(List.of("clientIp"));

		public boolean isAllowBeanReferences() {
			return this.allowBeanReferences;
		}

		public void setAllowBeanReferences(boolean allowBeanReferences) {
			this.allowBeanReferences = allowBeanReferences;
		}

		public List<String> getAllowedBeans() {
			return this.allowedBeans;
		}

		public void setAllowedBeans(List<String> allowedBeans) {
			this.allowedBeans = allowedBeans;
		}

	}

	/**
	 * Redis Cluster client settings applied on top of Spring Boot's.
	 */
	public static class Cluster {

		/**
		 * Whether the starter tunes Lettuce's cluster topology refresh ('adaptive-refresh-min-interval',
		 * 'periodic-refresh'), so failovers and resharding heal without errors reaching the application.
		 * When false, Spring Boot's and Lettuce's settings apply unchanged.
		 */
		private boolean adaptiveRefresh = true;

		/**
		 * Interval of the periodic topology refresh used when
		 * 'spring.data.redis.lettuce.cluster.refresh.period' is not set.
		 */
		private Duration periodicRefresh = Duration.ofSeconds(30);

		/**
		 * Shortest time between two adaptive topology refreshes (Lettuce's adaptive refresh triggers
		 * timeout, 5s by default there). A burst of redirects still causes one refresh, but a failover or
		 * slot move that follows an earlier refresh is picked up within this time.
		 */
		private Duration adaptiveRefreshMinInterval = Duration.ofSeconds(1);

		public boolean isAdaptiveRefresh() {
			return this.adaptiveRefresh;
		}

		public void setAdaptiveRefresh(boolean adaptiveRefresh) {
			this.adaptiveRefresh = adaptiveRefresh;
		}

		public Duration getPeriodicRefresh() {
			return this.periodicRefresh;
		}

		public void setPeriodicRefresh(Duration periodicRefresh) {
			this.periodicRefresh = periodicRefresh;
		}

		public Duration getAdaptiveRefreshMinInterval() {
			return this.adaptiveRefreshMinInterval;
		}

		public void setAdaptiveRefreshMinInterval(Duration adaptiveRefreshMinInterval) {
			this.adaptiveRefreshMinInterval = adaptiveRefreshMinInterval;
		}

	}

	/**
	 * Redis Sentinel client settings applied on top of Spring Boot's.
	 */
	public static class Sentinel {

		/**
		 * Whether the starter listens for the sentinels' '+switch-master' announcements and moves every
		 * connection to the promoted master at once. Without it the application keeps using the old master
		 * until Sentinel demotes it and disconnects its clients (about ten seconds after a manual failover),
		 * and the writes of that time are lost.
		 */
		private boolean followFailover = true;

		/**
		 * Interval between attempts to subscribe to a sentinel that could not be reached.
		 */
		private Duration resubscribeInterval = Duration.ofSeconds(5);

		public boolean isFollowFailover() {
			return this.followFailover;
		}

		public void setFollowFailover(boolean followFailover) {
			this.followFailover = followFailover;
		}

		public Duration getResubscribeInterval() {
			return this.resubscribeInterval;
		}

		public void setResubscribeInterval(Duration resubscribeInterval) {
			this.resubscribeInterval = resubscribeInterval;
		}

	}

}
