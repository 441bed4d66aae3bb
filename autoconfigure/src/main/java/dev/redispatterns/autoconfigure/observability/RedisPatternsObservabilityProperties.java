package dev.redispatterns.autoconfigure.observability;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Observations (traces) and the {@code redispatterns} actuator endpoint. Meters and the health component
 * have their own switches.
 */
@ConfigurationProperties("redis.patterns.observability")
public class RedisPatternsObservabilityProperties {

	/**
	 * Whether the starter's observations (spans) and its 'redispatterns' actuator endpoint are on.
	 */
	private boolean enabled = true;

	/**
	 * Whether observations record keys (cache keys, rate-limit keys, evaluated lock names, message ids) as
	 * high-cardinality values. Keys may hold personal data such as user ids, so they are left out unless
	 * asked for.
	 */
	private boolean includeKeys;

	/**
	 * Whether Lettuce's per-command observation (Spring Boot's 'lettuce' timers and spans) also covers the
	 * commands the starter sends for its operations. The starter's own meters and observations describe
	 * those operations, so they are left out by default: that saves several microseconds of client CPU per
	 * command. The application's own commands are observed as before.
	 */
	private boolean redisCommands;

	private final Endpoint endpoint = new Endpoint();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isIncludeKeys() {
		return this.includeKeys;
	}

	public void setIncludeKeys(boolean includeKeys) {
		this.includeKeys = includeKeys;
	}

	public boolean isRedisCommands() {
		return this.redisCommands;
	}

	public void setRedisCommands(boolean redisCommands) {
		this.redisCommands = redisCommands;
	}

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	/** The 'redispatterns' actuator endpoint. */
	public static class Endpoint {

		/**
		 * Whether the endpoint lists held locks by name. Names evaluated from method arguments can be user
		 * data (ids, e-mail addresses), so they are masked by default.
		 */
		private boolean showLockNames;

		private final WriteOperations writeOperations = new WriteOperations();

		public boolean isShowLockNames() {
			return this.showLockNames;
		}

		public void setShowLockNames(boolean showLockNames) {
			this.showLockNames = showLockNames;
		}

		public WriteOperations getWriteOperations() {
			return this.writeOperations;
		}

	}

	/** Operations of the endpoint that change state in Redis. */
	public static class WriteOperations {

		/**
		 * Whether the endpoint offers its audited write operations: resetting one rate-limit bucket
		 * (DELETE ratelimit/<policy>/<key>) and force-releasing a lock (DELETE locks/<name>). They need an
		 * authenticated principal.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
