package dev.redispatterns.autoconfigure.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.ClassUtils;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheProperties.CachePolicyProperties;
import dev.redispatterns.cache.CachePolicy;
import dev.redispatterns.core.internal.RedisKeys;

/**
 * Resolves {@code redis.patterns.cache.*} once, at start-up, into immutable {@link CachePolicy} objects:
 * the defaults, then each {@code caches.<name>} on top of them. Spring Boot's {@code spring.cache.redis.*}
 * stand in for the defaults the application did not set under {@code redis.patterns.cache.*}. Every value
 * is checked here, so a wrong one fails the start naming the exact property.
 */
final class CachePolicies {

	private static final String PREFIX = "redis.patterns.cache.";

	private static final String CAFFEINE = "com.github.benmanes.caffeine.cache.Caffeine";

	private static final String BOOT = "spring.cache.redis.";

	private final CachePolicy defaults;

	private final Map<String, CachePolicy> byName;

	private final @Nullable String keyPrefix;

	private CachePolicies(CachePolicy defaults, Map<String, CachePolicy> byName, @Nullable String keyPrefix) {
		this.defaults = defaults;
		this.byName = byName;
		this.keyPrefix = keyPrefix;
	}

	/** Prefix of the cache keys when it differs from {@code redis.patterns.key-prefix}; otherwise null. */
	@Nullable String keyPrefix() {
		return this.keyPrefix;
	}

	CachePolicy defaults() {
		return this.defaults;
	}

	Map<String, CachePolicy> byName() {
		return this.byName;
	}

	/** The property that makes some cache encrypt its values, or {@code null} when none does. */
	@Nullable String encryptingProperty(boolean dynamic) {
		for (Map.Entry<String, CachePolicy> entry : this.byName.entrySet()) {
			if (entry.getValue().encrypt()) {
				return this.defaults.encrypt() ? PREFIX + "encrypt" : PREFIX + "caches." + entry.getKey() + ".encrypt";
			}
		}
		return (dynamic && this.defaults.encrypt()) ? PREFIX + "encrypt" : null;
	}

	/** Resolves the starter's properties alone, ignoring Spring Boot's. */
	static CachePolicies resolve(RedisPatternsCacheProperties properties) {
		return resolve(properties, new Binder());
	}

	/**
	 * Resolves the starter's properties, with Spring Boot's {@code spring.cache.redis.*} from {@code binder}
	 * as defaults of those not set.
	 */
	static CachePolicies resolve(RedisPatternsCacheProperties properties, Binder binder) {
		Duration ttl = positive(PREFIX + "default-ttl", properties.getDefaultTtl());
		if (!isSet(binder, PREFIX + "default-ttl")) {
			Duration bootTtl = binder.bind(BOOT + "time-to-live", Duration.class).orElse(null);
			if (bootTtl != null) {
				ttl = positive(BOOT + "time-to-live", bootTtl,
						"the starter's cache entries always expire; set a positive duration, here or as "
								+ PREFIX + "default-ttl");
			}
		}
		boolean cacheNulls = properties.isCacheNulls();
		if (!isSet(binder, PREFIX + "cache-nulls")) {
			cacheNulls = binder.bind(BOOT + "cache-null-values", Boolean.class).orElse(cacheNulls);
		}
		if (!binder.bind(BOOT + "use-key-prefix", Boolean.class).orElse(true)) {
			throw new InvalidPropertyException(BOOT + "use-key-prefix", false,
					"the starter's cache keys always start with a prefix and the cache name (its single-flight "
							+ "leases and clear() depend on it); remove the property, or choose another cache with "
							+ "spring.cache.type");
		}
		String keyPrefix = keyPrefix(PREFIX + "key-prefix", properties.getKeyPrefix());
		if (keyPrefix == null) {
			keyPrefix = keyPrefix(BOOT + "key-prefix", binder.bind(BOOT + "key-prefix", String.class).orElse(null));
		}
		CachePolicy.Builder builder = CachePolicy.builder()
			.ttl(ttl)
			.ttlJitterPercent(jitter(PREFIX + "ttl-jitter", properties.getTtlJitter()))
			.cacheNulls(cacheNulls)
			.nullTtl(positive(PREFIX + "null-ttl", properties.getNullTtl()))
			.staleWhileRevalidate(notNegative(PREFIX + "stale-while-revalidate", properties.getStaleWhileRevalidate()))
			.timeout(positive(PREFIX + "timeout", properties.getTimeout()))
			.encrypt(properties.isEncrypt())
			.refreshAhead(properties.getRefreshAhead().isEnabled())
			.refreshAheadBeta(beta(PREFIX + "refresh-ahead.beta", properties.getRefreshAhead().getBeta()))
			.nearCache(nearCache(PREFIX + "near-cache.enabled", properties.getNearCache().isEnabled()))
			.nearCacheMaxSize(maxSize(PREFIX + "near-cache.max-size", properties.getNearCache().getMaxSize()))
			.nearCacheTtl(positive(PREFIX + "near-cache.ttl", properties.getNearCache().getTtl()))
			.stampedeProtection(properties.getStampede().isEnabled())
			.lockTimeout(positive(PREFIX + "stampede.lock-timeout", properties.getStampede().getLockTimeout()))
			.maxWait(notNegative(PREFIX + "stampede.max-wait", properties.getStampede().getMaxWait()));
		if (properties.getRefreshThreads() < 1) {
			throw new InvalidPropertyException(PREFIX + "refresh-threads", properties.getRefreshThreads(),
					"must be at least 1");
		}
		CachePolicy defaults = builder.build();
		Map<String, CachePolicy> byName = new LinkedHashMap<>();
		properties.getCaches().forEach((name, settings) -> byName.put(name, resolve(name, settings, defaults)));
		return new CachePolicies(defaults, byName, keyPrefix);
	}

	private static boolean isSet(Binder binder, String property) {
		return binder.bind(property, String.class).isBound();
	}

	/** A key prefix without trailing colons (the starter adds its own separator), or null when not set. */
	private static @Nullable String keyPrefix(String property, @Nullable String value) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		String prefix = value.replaceAll(":+$", "");
		try {
			return RedisKeys.validatePrefix(prefix);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPropertyException(property, value, ex.getMessage());
		}
	}

	private static CachePolicy resolve(String name, CachePolicyProperties settings, CachePolicy defaults) {
		String prefix = PREFIX + "caches." + name + ".";
		CachePolicy.Builder builder = defaults.toBuilder();
		if (settings.getTtl() != null) {
			builder.ttl(positive(prefix + "ttl", settings.getTtl()));
		}
		if (settings.getTtlJitter() != null) {
			builder.ttlJitterPercent(jitter(prefix + "ttl-jitter", settings.getTtlJitter()));
		}
		if (settings.getCacheNulls() != null) {
			builder.cacheNulls(settings.getCacheNulls());
		}
		if (settings.getNullTtl() != null) {
			builder.nullTtl(positive(prefix + "null-ttl", settings.getNullTtl()));
		}
		if (settings.getStaleWhileRevalidate() != null) {
			builder.staleWhileRevalidate(notNegative(prefix + "stale-while-revalidate", settings.getStaleWhileRevalidate()));
		}
		if (settings.getTimeout() != null) {
			builder.timeout(positive(prefix + "timeout", settings.getTimeout()));
		}
		if (settings.getEncrypt() != null) {
			builder.encrypt(settings.getEncrypt());
		}
		if (settings.getRefreshAhead().getEnabled() != null) {
			builder.refreshAhead(settings.getRefreshAhead().getEnabled());
		}
		if (settings.getRefreshAhead().getBeta() != null) {
			builder.refreshAheadBeta(beta(prefix + "refresh-ahead.beta", settings.getRefreshAhead().getBeta()));
		}
		if (settings.getNearCache().getEnabled() != null) {
			builder.nearCache(nearCache(prefix + "near-cache.enabled", settings.getNearCache().getEnabled()));
		}
		if (settings.getNearCache().getMaxSize() != null) {
			builder.nearCacheMaxSize(maxSize(prefix + "near-cache.max-size", settings.getNearCache().getMaxSize()));
		}
		if (settings.getNearCache().getTtl() != null) {
			builder.nearCacheTtl(positive(prefix + "near-cache.ttl", settings.getNearCache().getTtl()));
		}
		if (settings.getStampede().getEnabled() != null) {
			builder.stampedeProtection(settings.getStampede().getEnabled());
		}
		if (settings.getStampede().getLockTimeout() != null) {
			builder.lockTimeout(positive(prefix + "stampede.lock-timeout", settings.getStampede().getLockTimeout()));
		}
		if (settings.getStampede().getMaxWait() != null) {
			builder.maxWait(notNegative(prefix + "stampede.max-wait", settings.getStampede().getMaxWait()));
		}
		return builder.build();
	}

	private static Duration positive(String property, @Nullable Duration value) {
		return positive(property, value, "must be at least 1ms");
	}

	private static Duration positive(String property, @Nullable Duration value, String reason) {
		if (value == null || value.isNegative() || value.toMillis() < 1) {
			throw new InvalidPropertyException(property, value, reason);
		}
		return value;
	}

	private static Duration notNegative(String property, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidPropertyException(property, value, "must not be negative");
		}
		return value;
	}

	private static int jitter(String property, int value) {
		if (value < 0 || value > 99) {
			throw new InvalidPropertyException(property, value, "must be a percentage between 0 and 99");
		}
		return value;
	}

	private static double beta(String property, double value) {
		if (!(value > 0) || Double.isInfinite(value)) {
			throw new InvalidPropertyException(property, value, "must be a positive number");
		}
		return value;
	}

	private static long maxSize(String property, long value) {
		if (value < 1) {
			throw new InvalidPropertyException(property, value, "must be at least 1");
		}
		return value;
	}

	private static boolean nearCache(String property, boolean enabled) {
		if (enabled && !ClassUtils.isPresent(CAFFEINE, CachePolicies.class.getClassLoader())) {
			throw new InvalidPropertyException(property, true,
					"the near cache needs Caffeine (com.github.ben-manes.caffeine:caffeine) on the classpath");
		}
		return enabled;
	}

}
