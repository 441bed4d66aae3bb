package dev.redispatterns.autoconfigure.structures;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.observability.internal.StructuresMetrics;
import dev.redispatterns.structures.CounterPolicy;
import dev.redispatterns.structures.Counters;
import dev.redispatterns.structures.LeaderboardPolicy;
import dev.redispatterns.structures.Leaderboards;
import dev.redispatterns.structures.StructuresListener;
import dev.redispatterns.structures.UniqueCounterPolicy;
import dev.redispatterns.structures.UniqueCounters;
import dev.redispatterns.structures.WriteBehindCounters;
import dev.redispatterns.structures.WriteBehindPolicy;

/**
 * The data-structure services: {@link Leaderboards}, {@link UniqueCounters}, {@link Counters} and
 * {@link WriteBehindCounters}, with their settings resolved once at start-up.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class)
@ConditionalOnBean(RedisConnector.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.structures.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsStructuresProperties.class)
public final class RedisPatternsStructuresAutoConfiguration {

	private static final String PREFIX = "redis.patterns.structures.";

	@Bean
	@ConditionalOnMissingBean
	Leaderboards redisPatternsLeaderboards(RedisPatternsStructuresProperties properties, RedisConnector connector,
			ScriptExecutor scripts, RedisKeys keys, ObjectProvider<StructuresListener> listeners) {
		RedisPatternsStructuresProperties.Leaderboard shared = properties.getLeaderboard();
		LeaderboardPolicy defaults = new LeaderboardPolicy(shared.getOrder(), shared.getPeriod(),
				notNegative(PREFIX + "leaderboard.retention", shared.getRetention()),
				notNegative(PREFIX + "leaderboard.max-entries", shared.getMaxEntries()));
		Map<String, LeaderboardPolicy> boards = new LinkedHashMap<>();
		properties.getLeaderboards().forEach((name, overrides) -> {
			String property = PREFIX + "leaderboards." + name;
			boards.put(name, new LeaderboardPolicy(or(overrides.getOrder(), defaults.order()),
					or(overrides.getPeriod(), defaults.period()),
					notNegative(property + ".retention", or(overrides.getRetention(), defaults.retention())),
					notNegative(property + ".max-entries", or(overrides.getMaxEntries(), defaults.maxEntries()))));
		});
		return new Leaderboards(connector, scripts, keys, boards, defaults, clock(properties), StructuresListener.composite(listeners.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	UniqueCounters redisPatternsUniqueCounters(RedisPatternsStructuresProperties properties, RedisConnector connector,
			ScriptExecutor scripts, RedisKeys keys, ObjectProvider<StructuresListener> listeners) {
		RedisPatternsStructuresProperties.UniqueCounter shared = properties.getUniqueCounter();
		UniqueCounterPolicy defaults = new UniqueCounterPolicy(shared.getPeriod(),
				notNegative(PREFIX + "unique-counter.retention", shared.getRetention()));
		Map<String, UniqueCounterPolicy> counters = new LinkedHashMap<>();
		properties.getUniqueCounters().forEach((name, overrides) -> counters.put(name,
				new UniqueCounterPolicy(or(overrides.getPeriod(), defaults.period()),
						notNegative(PREFIX + "unique-counters." + name + ".retention",
								or(overrides.getRetention(), defaults.retention())))));
		return new UniqueCounters(connector, scripts, keys, counters, defaults, clock(properties), StructuresListener.composite(listeners.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	Counters redisPatternsCounters(RedisPatternsStructuresProperties properties, RedisConnector connector,
			ScriptExecutor scripts, RedisKeys keys, ObjectProvider<StructuresListener> listeners) {
		RedisPatternsStructuresProperties.Counter shared = properties.getCounter();
		CounterPolicy defaults = new CounterPolicy(
				notNegative(PREFIX + "counter.time-to-live", shared.getTimeToLive()), shared.isSliding());
		Map<String, CounterPolicy> counters = new LinkedHashMap<>();
		properties.getCounters().forEach((name, overrides) -> counters.put(name,
				new CounterPolicy(notNegative(PREFIX + "counters." + name + ".time-to-live",
						or(overrides.getTimeToLive(), defaults.timeToLive())), or(overrides.getSliding(), defaults.sliding()))));
		return new Counters(connector, scripts, keys, counters, defaults, StructuresListener.composite(listeners.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	WriteBehindCounters redisPatternsWriteBehindCounters(RedisPatternsStructuresProperties properties,
			ScriptExecutor scripts, RedisKeys keys, ObjectProvider<StructuresListener> listeners,
			RedisConnector connector) {
		RedisPatternsStructuresProperties.WriteBehind shared = properties.getWriteBehind();
		WriteBehindPolicy defaults = writeBehind(PREFIX + "write-behind", shared.getFlushInterval(),
				shared.getLeaseTime(), shared.getRetention());
		Map<String, WriteBehindPolicy> counters = new LinkedHashMap<>();
		properties.getWriteBehindCounters().forEach((name, overrides) -> counters.put(name,
				writeBehind(PREFIX + "write-behind-counters." + name, or(overrides.getFlushInterval(), defaults.flushInterval()),
						or(overrides.getLeaseTime(), defaults.leaseTime()), or(overrides.getRetention(), defaults.retention()))));
		Duration shutdownTimeout = notNegative(PREFIX + "write-behind.shutdown-timeout", shared.getShutdownTimeout());
		return new WriteBehindCounters(scripts, keys, counters, defaults, shutdownTimeout, StructuresListener.composite(listeners.orderedStream().toList()),
				connector.threads());
	}

	private static WriteBehindPolicy writeBehind(String property, Duration flushInterval, Duration leaseTime,
			Duration retention) {
		positive(property + ".flush-interval", flushInterval);
		positive(property + ".lease-time", leaseTime);
		if (retention.compareTo(leaseTime) <= 0) {
			throw new InvalidPropertyException(property + ".retention", retention, "must be longer than the lease time");
		}
		return new WriteBehindPolicy(flushInterval, leaseTime, retention);
	}

	private static Duration positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidPropertyException(property, value, "must be positive");
		}
		return value;
	}

	private static Duration notNegative(String property, Duration value) {
		if (value.isNegative()) {
			throw new InvalidPropertyException(property, value, "must not be negative");
		}
		return value;
	}

	private static int notNegative(String property, int value) {
		if (value < 0) {
			throw new InvalidPropertyException(property, value, "must not be negative");
		}
		return value;
	}

	private static Clock clock(RedisPatternsStructuresProperties properties) {
		try {
			return Clock.system(ZoneId.of(properties.getZone()));
		}
		catch (DateTimeException ex) {
			throw new InvalidPropertyException(PREFIX + "zone", properties.getZone(), "not a time zone id");
		}
	}

	private static <T> T or(T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class StructuresMetricsConfiguration {

		/** Created when the context has a meter registry, whatever the order of auto-configurations. */
		@Bean
		@ConditionalOnMissingBean(StructuresMetrics.class)
		StructuresListener redisPatternsStructuresMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfUnique();
			return (meterRegistry != null) ? new StructuresMetrics(meterRegistry) : StructuresListener.NONE;
		}

	}

}
