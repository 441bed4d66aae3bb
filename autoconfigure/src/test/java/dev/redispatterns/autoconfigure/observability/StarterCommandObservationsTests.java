package dev.redispatterns.autoconfigure.observability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.tracing.LettuceObservationContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's Lettuce observation (a {@code lettuce} observation per Redis command), the commands the
 * starter sends for a rate-limit decision or a lock are left out by default, the application's own are not;
 * {@code redis.patterns.observability.redis-commands=true} brings the starter's back.
 */
@RedisTest
class StarterCommandObservationsTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	StarterCommandObservationsTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
					LettuceObservationAutoConfiguration.class, RedisPatternsAutoConfiguration.class,
					RedisPatternsObservationAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class,
					RedisPatternsLockAutoConfiguration.class))
			.withUserConfiguration(Application.class)
			.withPropertyValues(redis.springProperties());
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void theStartersCommandsAreNotObservedPerCommandTheApplicationsAre() {
		this.runner.run((context) -> {
			useRedis(context);
			List<String> commands = context.getBean(LettuceCommands.class).started;
			assertThat(commands).contains("GET", "SET");
			assertThat(commands).doesNotContain("EVALSHA", "EVAL");
		});
	}

	@Test
	void thePropertyBringsTheStartersCommandsBack() {
		this.runner.withPropertyValues("redis.patterns.observability.redis-commands=true").run((context) -> {
			useRedis(context);
			assertThat(context.getBean(LettuceCommands.class).started).contains("GET", "SET", "EVALSHA");
		});
	}

	private static void useRedis(AssertableApplicationContext context) {
		StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
		template.opsForValue().set("application-key", "value");
		assertThat(template.opsForValue().get("application-key")).isEqualTo("value");
		context.getBean(Limited.class).call();
		try (LockHandle lock = context.getBean(LockManager.class).lock("report", Duration.ofSeconds(5),
				Duration.ofSeconds(30))) {
			assertThat(lock.fencingToken()).isPositive();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Application {

		@Bean
		Limited limited() {
			return new Limited();
		}

		@Bean
		LettuceCommands lettuceCommands() {
			return new LettuceCommands();
		}

	}

	static class Limited {

		@RateLimited(limit = 10, window = "1h")
		public void call() {
		}

	}

	/**
	 * The commands whose Lettuce observation started. Lettuce starts it before it writes the command, so a
	 * command that has returned is here.
	 */
	static class LettuceCommands implements ObservationHandler<LettuceObservationContext> {

		final List<String> started = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(LettuceObservationContext context) {
			this.started.add(context.getRequiredCommand().getType().toString());
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof LettuceObservationContext;
		}

	}

}
