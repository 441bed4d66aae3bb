package dev.redispatterns.autoconfigure.observability;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.handler.SpanHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationRegistryCustomizer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.core.PatternObservationContext;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.observability.RateLimitMetrics;
import dev.redispatterns.ratelimit.RateLimitExceededException;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * In a Spring Boot application the starter creates observations only when something besides metrics
 * receives them: with Micrometer metrics alone an annotated call creates none (its meters still count),
 * with a tracing handler, another handler or a registry customizer it does.
 */
@RedisTest
class ObservationListenersTests {

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	ObservationListenersTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					AopAutoConfiguration.class, DataRedisAutoConfiguration.class, RedisPatternsAutoConfiguration.class,
					RedisPatternsObservationAutoConfiguration.class, RedisPatternsRateLimitAutoConfiguration.class))
			.withUserConfiguration(Application.class)
			.withPropertyValues(redis.springProperties());
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void withMetricsAloneAnAnnotatedCallCreatesNoObservationAndIsStillMetered() {
		this.runner.run((context) -> {
			assertThat(context.getBean(PatternObservations.class)).isSameAs(PatternObservations.NONE);
			callTwice(context);
			assertThat(context.getBean(Created.class).patternContexts()).isEmpty();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get(RateLimitMetrics.DECISIONS).tag("outcome", "allowed").counter().count())
				.isEqualTo(1);
			assertThat(meters.get(RateLimitMetrics.DECISIONS).tag("outcome", "rejected").counter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void aTracingHandlerGetsAnObservationPerCall() {
		this.runner.withUserConfiguration(Traced.class).run((context) -> {
			assertThat(context.getBean(PatternObservations.class).isActive()).isTrue();
			callTwice(context);
			assertThat(context.getBean(Created.class).patternContexts()).hasSize(2);
		});
	}

	@Test
	void anyOtherHandlerGetsAnObservationPerCall() {
		this.runner.withBean(Recording.class, Recording::new).run((context) -> {
			callTwice(context);
			assertThat(context.getBean(Created.class).patternContexts()).hasSize(2);
			assertThat(context.getBean(Recording.class).stopped).hasSize(2);
		});
	}

	@Test
	void aRegistryCustomizerMayAddHandlersSoObservationsAreCreated() {
		Recording recording = new Recording();
		this.runner
			.withBean(ObservationRegistryCustomizer.class,
					() -> (ObservationRegistryCustomizer<ObservationRegistry>) (registry) -> registry.observationConfig()
						.observationHandler(recording))
			.run((context) -> {
				callTwice(context);
				assertThat(recording.stopped).hasSize(2);
			});
	}

	@Test
	void aRegistryOfTheApplicationsOwnIsObservedWhateverItHolds() {
		this.runner.withBean(ObservationRegistry.class, ObservationRegistry::create).run((context) -> {
			assertThat(context.getBean(PatternObservations.class)).isNotSameAs(PatternObservations.NONE);
			callTwice(context);
			assertThat(context.getBean(Created.class).patternContexts()).hasSize(2);
		});
	}

	private static void callTwice(AssertableApplicationContext context) {
		Limited limited = context.getBean(Limited.class);
		limited.call();
		assertThatExceptionOfType(RateLimitExceededException.class).isThrownBy(limited::call);
	}

	@Configuration(proxyBeanMethods = false)
	static class Application {

		@Bean
		Limited limited() {
			return new Limited();
		}

		@Bean
		Created created() {
			return new Created();
		}

	}

	/** Micrometer Tracing's default handler with a real tracer, as Spring Boot's tracing defines it. */
	@Configuration(proxyBeanMethods = false)
	static class Traced {

		@Bean(destroyMethod = "close")
		Tracing tracing() {
			return Tracing.newBuilder().addSpanHandler(new SpanHandler() {
				// finished spans are not reported anywhere
			}).build();
		}

		@Bean
		DefaultTracingObservationHandler defaultTracingObservationHandler(Tracing tracing) {
			return new DefaultTracingObservationHandler(new BraveTracer(tracing.tracer(),
					new BraveCurrentTraceContext(tracing.currentTraceContext()), new BraveBaggageManager()));
		}

	}

	static class Limited {

		@RateLimited(limit = 1, window = "1h")
		public void call() {
		}

	}

	/** Sees every observation created (Spring Boot registers predicates), whoever handles it. */
	static class Created implements ObservationPredicate {

		private final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

		@Override
		public boolean test(String name, Observation.Context context) {
			this.contexts.add(context);
			return true;
		}

		List<Observation.Context> patternContexts() {
			return this.contexts.stream().filter(PatternObservationContext.class::isInstance).toList();
		}

	}

	static class Recording implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			if (context instanceof PatternObservationContext) {
				this.stopped.add(context);
			}
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
