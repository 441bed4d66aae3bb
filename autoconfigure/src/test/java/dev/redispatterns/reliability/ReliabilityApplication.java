package dev.redispatterns.reliability;

import java.time.Duration;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.messaging.RedisPatternsMessagingAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.autoconfigure.structures.RedisPatternsStructuresAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.session.RedisPatternsSessionRepository;

/**
 * An application using every pattern of the starter at once — a cached service, two rate-limit policies
 * (fail-open and fail-closed), locks, a stream with a consumer group and Spring Session's repository —
 * with short timeouts, for the fault-injection, security and soak tests.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class,
		RedisPatternsCacheAutoConfiguration.class, CacheAutoConfiguration.class,
		RedisPatternsRateLimitAutoConfiguration.class, RedisPatternsLockAutoConfiguration.class,
		RedisPatternsMessagingAutoConfiguration.class, RedisPatternsStructuresAutoConfiguration.class,
		AopAutoConfiguration.class, TaskSchedulingAutoConfiguration.class, SslAutoConfiguration.class })
public class ReliabilityApplication {

	/** Starter command timeout of these tests: faults are detected quickly. */
	public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

	/** Lettuce's own command timeout ({@code spring.data.redis.timeout}), which bounds Spring Session. */
	public static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

	static final String[] PROPERTIES = { "redis.patterns.command-timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
			"redis.patterns.cache.timeout=" + COMMAND_TIMEOUT.toMillis() + "ms",
			"spring.data.redis.timeout=" + REDIS_TIMEOUT.toMillis() + "ms", "spring.data.redis.connect-timeout=1s",
			"redis.patterns.rate-limit.policies.open.algorithm=sliding-window",
			"redis.patterns.rate-limit.policies.open.limit=1000000",
			"redis.patterns.rate-limit.policies.open.window=1m",
			"redis.patterns.rate-limit.policies.open.fail-open=true",
			"redis.patterns.rate-limit.policies.closed.algorithm=gcra",
			"redis.patterns.rate-limit.policies.closed.limit=1000000",
			"redis.patterns.rate-limit.policies.closed.window=1m",
			"redis.patterns.rate-limit.policies.closed.fail-open=false", "redis.patterns.lock.watchdog.lease=1s",
			"redis.patterns.lock.poll-interval=200ms", "redis.patterns.messaging.stream.poll-timeout=200ms",
			"redis.patterns.messaging.stream.reclaim-after=2s", "redis.patterns.messaging.shutdown-timeout=1s",
			"redis.patterns.messaging.queue.poll-timeout=200ms", "redis.patterns.messaging.queue.retry-delay=200ms",
			"redis.patterns.cache.caches.catalog-near.near-cache.enabled=true" };

	@Bean
	CatalogService faultCatalog() {
		return new CatalogService();
	}

	@Bean
	StreamRecorder streamRecorder() {
		return new StreamRecorder();
	}

	@Bean
	MessageRecorder messageRecorder() {
		return new MessageRecorder();
	}

	/** Off with {@code reliability.pub-sub=false}: Spring's listener container cannot start while Redis is down. */
	@Bean
	@ConditionalOnBooleanProperty(name = "reliability.pub-sub", matchIfMissing = true)
	NewsRecorder newsRecorder() {
		return new NewsRecorder();
	}

	/** Spring Session's repository as the session auto-configuration builds it for a servlet application. */
	@Bean
	RedisPatternsSessionRepository reliabilitySessions(RedisConnector connector, ScriptExecutor scripts, RedisKeys keys,
			ValueCodec codec) {
		return RedisPatternsSessionRepository.builder(connector, scripts, keys, codec)
			.timeout(Duration.ofMinutes(30))
			.cleanupCron(Scheduled.CRON_DISABLED)
			.build();
	}

	/** Starts the application with the shared settings plus {@code properties} (which win). */
	public static ConfigurableApplicationContext start(String... properties) {
		String[] all = new String[PROPERTIES.length + properties.length];
		System.arraycopy(PROPERTIES, 0, all, 0, PROPERTIES.length);
		System.arraycopy(properties, 0, all, PROPERTIES.length, properties.length);
		// a plain context, like ApplicationContextRunner's: SpringApplication would reconfigure logging for the JVM
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		TestPropertyValues.of(all).applyTo(context);
		context.register(ReliabilityApplication.class);
		try {
			context.refresh();
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
		return context;
	}

}
