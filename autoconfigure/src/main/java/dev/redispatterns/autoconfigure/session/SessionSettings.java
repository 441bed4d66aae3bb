package dev.redispatterns.autoconfigure.session;

import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.DispatcherType;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.core.internal.RedisKeys;

/**
 * The session settings in force: a {@code redis.patterns.session.*} property the application set wins,
 * then Spring Boot's {@code spring.session.data.redis.*} and {@code spring.session.servlet.*}, then the
 * starter's defaults. Settings the starter cannot honour fail the start naming the property.
 */
final class SessionSettings {

	static final String PREFIX = "redis.patterns.session.";

	static final String BOOT = "spring.session.data.redis.";

	private final RedisPatternsSessionProperties properties;

	private final Binder binder;

	SessionSettings(RedisPatternsSessionProperties properties, Binder binder, boolean bootRegistersTheFilter) {
		this.properties = properties;
		this.binder = binder;
		if (bootRegistersTheFilter) {
			for (String property : new String[] { "filter-order", "filter-dispatcher-types" }) {
				if (isSet(PREFIX + "servlet." + property)) {
					throw new InvalidPropertyException(PREFIX + "servlet." + property,
							this.binder.bind(PREFIX + "servlet." + property, String.class).orElse("(list)"),
							"Spring Boot's session module (spring-boot-session) registers the session filter in this "
									+ "application: set spring.session.servlet." + property + " instead");
				}
			}
		}
		String cron = this.binder.bind(BOOT + "cleanup-cron", String.class).orElse(null);
		if (cron != null && !eventsEnabled(binder)) {
			throw new InvalidPropertyException(BOOT + "cleanup-cron", cron,
					"the clean-up runs only with session events: set spring.session.data.redis.repository-type=indexed "
							+ "or redis.patterns.session.events.enabled=true");
		}
	}

	/** Key prefix of the sessions ({@code spring.session.data.redis.namespace}), or null for the starter's. */
	@Nullable RedisKeys namespace() {
		String namespace = this.binder.bind(BOOT + "namespace", String.class).orElse(null);
		if (namespace == null || namespace.isEmpty()) {
			return null;
		}
		try {
			return new RedisKeys(namespace);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPropertyException(BOOT + "namespace", namespace, ex.getMessage());
		}
	}

	FlushMode flushMode() {
		return starterOrBoot("flush-mode", this.properties.getFlushMode(), FlushMode.class);
	}

	SaveMode saveMode() {
		return starterOrBoot("save-mode", this.properties.getSaveMode(), SaveMode.class);
	}

	String cleanupCron() {
		return starterOrBoot("events.cleanup-cron", "cleanup-cron", this.properties.getEvents().getCleanupCron(),
				String.class);
	}

	/**
	 * Whether the starter runs CONFIG SET notify-keyspace-events: its own property, else an explicit
	 * {@code spring.session.data.redis.configure-action}. Boot's default (configure) is not taken over:
	 * the starter never runs CONFIG unless asked to.
	 */
	boolean configureKeyspaceNotifications() {
		if (isSet(PREFIX + "events.configure-keyspace-notifications")) {
			return this.properties.getEvents().isConfigureKeyspaceNotifications();
		}
		String action = this.binder.bind(BOOT + "configure-action", String.class).orElse(null);
		return action != null && normalized(action).equals("notifykeyspaceevents");
	}

	int filterOrder() {
		return starterOrBoot("servlet.filter-order", "spring.session.servlet.filter-order",
				this.properties.getServlet().getFilterOrder(), Integer.class);
	}

	Set<DispatcherType> filterDispatcherTypes() {
		if (isSet(PREFIX + "servlet.filter-dispatcher-types")) {
			return this.properties.getServlet().getFilterDispatcherTypes();
		}
		return this.binder.bind("spring.session.servlet.filter-dispatcher-types", Bindable.setOf(DispatcherType.class))
			.orElse(this.properties.getServlet().getFilterDispatcherTypes());
	}

	/**
	 * Session events: {@code redis.patterns.session.events.enabled}, else on with Boot's
	 * {@code spring.session.data.redis.repository-type=indexed} (whose repository publishes them).
	 */
	static boolean eventsEnabled(Binder binder) {
		Boolean enabled = binder.bind(PREFIX + "events.enabled", Boolean.class).orElse(null);
		if (enabled != null) {
			return enabled;
		}
		String type = binder.bind(BOOT + "repository-type", String.class).orElse("default");
		return normalized(type).equals("indexed");
	}

	private <T> T starterOrBoot(String property, T starterValue, Class<T> type) {
		return starterOrBoot(property, property, starterValue, type);
	}

	private <T> T starterOrBoot(String property, String bootProperty, T starterValue, Class<T> type) {
		if (isSet(PREFIX + property)) {
			return starterValue;
		}
		String boot = bootProperty.startsWith("spring.") ? bootProperty : BOOT + bootProperty;
		return this.binder.bind(boot, type).orElse(starterValue);
	}

	private boolean isSet(String property) {
		return this.binder.bind(property, String.class).isBound()
				|| this.binder.bind(property, Bindable.listOf(String.class)).isBound();
	}

	private static String normalized(String value) {
		return value.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

}
