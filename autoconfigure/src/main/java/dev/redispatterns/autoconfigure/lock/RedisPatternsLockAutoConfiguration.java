package dev.redispatterns.autoconfigure.lock;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.EmbeddedValueResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

import dev.redispatterns.autoconfigure.InvalidPropertyException;
import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.KeyExpressionEvaluator;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.lock.DistributedLockAdvisor;
import dev.redispatterns.lock.LockListener;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockManagerSettings;
import dev.redispatterns.lock.LockPolicies;
import dev.redispatterns.lock.LockPolicy;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.lock.RedisLockManager;
import dev.redispatterns.observability.LockMetrics;

/**
 * Distributed locks: the {@link LockManager}, the {@code @DistributedLock} advisor and, with Micrometer,
 * the lock metrics. Settings are checked at start-up; a wrong one fails naming its property.
 */
@AutoConfiguration(after = RedisPatternsAutoConfiguration.class)
@ConditionalOnBean(RedisConnector.class)
@ConditionalOnBooleanProperty(name = "redis.patterns.lock.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisPatternsLockProperties.class)
public final class RedisPatternsLockAutoConfiguration {

	private static final String PREFIX = "redis.patterns.lock.";

	@Bean(destroyMethod = "destroy")
	@ConditionalOnMissingBean(LockManager.class)
	RedisLockManager redisPatternsLockManager(RedisConnector connector, ScriptExecutor scripts, RedisSignals signals,
			RedisKeys keys, RedisPatternsLockProperties properties, ObjectProvider<LockListener> listeners,
			ObjectProvider<PatternObservations> observations) {
		LockListener listener = LockListener.composite(listeners.orderedStream().toList());
		// validated here at start-up; the advisor reads the per-name policies lazily
		policies(properties);
		if (properties.getReplicaAcks() > 0 && !connector.isNative()) {
			throw new InvalidPropertyException(PREFIX + "replica-acks", properties.getReplicaAcks(),
					"needs Lettuce (WAIT runs on connections of its own to the node that owns the lock), but Redis "
							+ "Patterns runs in portable mode on " + connector.connectionFactory().getClass().getName()
							+ "; use spring.data.redis.client-type=lettuce with redis.patterns.client=auto, or set it to 0");
		}
		return new RedisLockManager(connector, scripts, signals, keys, settings(properties), listener,
				observations.getIfAvailable(() -> PatternObservations.NONE));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static DistributedLockAdvisor redisPatternsDistributedLockAdvisor(ObjectProvider<LockManager> locks,
			ObjectProvider<KeyExpressionEvaluator> evaluator, ObjectProvider<RedisPatternsLockProperties> properties,
			ConfigurableBeanFactory beanFactory) {
		// everything lazily: the advisor is created while post-processors are registered
		return new DistributedLockAdvisor(locks::getObject, evaluator::getObject,
				() -> policies(properties.getObject()), new EmbeddedValueResolver(beanFactory));
	}

	static LockManagerSettings settings(RedisPatternsLockProperties properties) {
		Duration lease = positive("watchdog.lease", properties.getWatchdog().getLease());
		Duration interval = properties.getWatchdog().getInterval();
		if (interval == null) {
			interval = lease.dividedBy(3);
		}
		positive("watchdog.interval", interval);
		if (interval.compareTo(lease) >= 0) {
			throw new InvalidPropertyException(PREFIX + "watchdog.interval", interval,
					"must be shorter than redis.patterns.lock.watchdog.lease (" + lease + "), or renewals come too late");
		}
		positive("poll-interval", properties.getPollInterval());
		positive("fencing-counter-ttl", properties.getFencingCounterTtl());
		positive("replica-ack-timeout", properties.getReplicaAckTimeout());
		if (properties.getReplicaAcks() < 0) {
			throw new InvalidPropertyException(PREFIX + "replica-acks", properties.getReplicaAcks(),
					"must not be negative");
		}
		return new LockManagerSettings(lease, interval, properties.getPollInterval(), properties.getFencingCounterTtl(),
				properties.getReplicaAcks(), properties.getReplicaAckTimeout(),
				properties.getWatchdog().isInterruptHolder(), properties.isFair());
	}

	static LockPolicies policies(RedisPatternsLockProperties properties) {
		Duration waitTime = notNegative("default-wait-time", properties.getDefaultWaitTime());
		Duration leaseTime = properties.getDefaultLeaseTime();
		if (leaseTime != null) {
			positive("default-lease-time", leaseTime);
		}
		LockPolicy defaults = new LockPolicy(waitTime, leaseTime);
		Map<String, LockPolicy> byName = new LinkedHashMap<>();
		properties.getLocks().forEach((name, lock) -> {
			Duration wait = lock.getWaitTime();
			if (wait != null) {
				notNegative("locks." + name + ".wait-time", wait);
			}
			Duration lease = lock.getLeaseTime();
			if (lease != null) {
				positive("locks." + name + ".lease-time", lease);
			}
			LockRequest.Fairness fairness = (lock.getFair() == null) ? LockRequest.Fairness.DEFAULT
					: lock.getFair() ? LockRequest.Fairness.FAIR : LockRequest.Fairness.NON_FAIR;
			byName.put(name,
					new LockPolicy((wait != null) ? wait : waitTime, (lease != null) ? lease : leaseTime, fairness));
		});
		return LockPolicies.of(defaults, byName);
	}

	private static Duration positive(String property, @Nullable Duration value) {
		if (value == null || value.isNegative() || value.toMillis() < 1) {
			throw new InvalidPropertyException(PREFIX + property, value, "must be at least 1ms");
		}
		return value;
	}

	private static Duration notNegative(String property, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidPropertyException(PREFIX + property, value, "must not be negative");
		}
		return value;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class LockMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LockMetrics redisPatternsLockMetrics(ObjectProvider<MeterRegistry> registry) {
			return new LockMetrics(registry::getIfAvailable);
		}

		@Bean
		@ConditionalOnMissingBean(name = "redisPatternsLockGauges")
		MeterBinder redisPatternsLockGauges(ObjectProvider<RedisLockManager> locks) {
			return (registry) -> LockMetrics.bindActive(registry, locks::getIfAvailable);
		}

	}

}
