package dev.redispatterns.autoconfigure.messaging;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.messaging.Message;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.messaging.IdempotencyGuard;
import dev.redispatterns.messaging.PubSubPublisher;
import dev.redispatterns.messaging.QueuePolicy;
import dev.redispatterns.messaging.QueuePublisher;
import dev.redispatterns.messaging.StreamPolicy;
import dev.redispatterns.messaging.StreamPublisher;
import dev.redispatterns.messaging.internal.AnnotatedListenerLifecycle;
import dev.redispatterns.messaging.internal.AnnotatedListenerProcessor;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.observability.MessagingMetrics;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class RedisPatternsMessagingAutoConfigurationTests {

	private final ApplicationContextRunner runner;

	RedisPatternsMessagingAutoConfigurationTests(RedisDeployment redis) {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisPatternsAutoConfiguration.class, RedisPatternsMessagingAutoConfiguration.class))
			.withPropertyValues(redis.springProperties());
	}

	@Test
	void messagingBeansAreCreatedByDefault() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(PubSubPublisher.class)
			.hasSingleBean(StreamPublisher.class)
			.hasSingleBean(QueuePublisher.class)
			.hasSingleBean(IdempotencyGuard.class)
			.hasSingleBean(MessagingKeys.class)
			.hasSingleBean(AnnotatedListenerProcessor.class)
			.hasSingleBean(AnnotatedListenerLifecycle.class)
			.doesNotHaveBean(MessagingMetrics.class));
	}

	@Test
	void theSwitchTurnsMessagingOff() {
		this.runner.withPropertyValues("redis.patterns.messaging.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(RedisConnector.class)
				.doesNotHaveBean(PubSubPublisher.class)
				.doesNotHaveBean(StreamPublisher.class)
				.doesNotHaveBean(QueuePublisher.class)
				.doesNotHaveBean(AnnotatedListenerLifecycle.class));
	}

	@Test
	void backsOffWithoutTheStartersCore() {
		this.runner.withPropertyValues("redis.patterns.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(StreamPublisher.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPatternsAutoConfiguration.class,
					RedisPatternsMessagingAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(StreamPublisher.class));
	}

	@Test
	void springBootsListenerContainerIsReusedWhenBootDefinesIt() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RedisMessageListenerContainer.class);
			assertThat(context.getBeanFactory().getBeanDefinition("redisMessageListenerContainer").getFactoryBeanName())
				.contains("DataRedisAnnotationDrivenConfiguration");
		});
	}

	@Test
	void aListenerContainerOfTheSameNameIsDefinedWhenBootDoesNot() {
		// Boot defines its container only with Spring Messaging on the classpath
		this.runner.withClassLoader(new FilteredClassLoader(Message.class))
			.withPropertyValues("spring.data.redis.listener.subscription-registration-timeout=3s")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisMessageListenerContainer.class);
				assertThat(context.getBeanFactory().getBeanDefinition("redisMessageListenerContainer").getFactoryBeanName())
					.isEqualTo(RedisPatternsMessagingAutoConfiguration.class.getName());
				assertThat(context.getBean(RedisMessageListenerContainer.class).getMaxSubscriptionRegistrationWaitingTime())
					.as("configured from spring.data.redis.listener.*")
					.isEqualTo(3000);
			});
	}

	@Test
	void metricsAreRecordedWhenAMeterRegistryExists() {
		this.runner.withUserConfiguration(MeterRegistryConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(MessagingMetrics.class));
	}

	@Test
	void metricsAreRecordedWithSpringBootsMeterRegistry() {
		this.runner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(MessagingMetrics.class));
	}

	@Test
	void perNameSettingsOverrideTheSharedDefaults() {
		this.runner
			.withPropertyValues("redis.patterns.messaging.stream.batch-size=50",
					"redis.patterns.messaging.stream.reclaim-after=10s",
					"redis.patterns.messaging.streams.orders.batch-size=5",
					"redis.patterns.messaging.streams.orders.start-from=latest",
					"redis.patterns.messaging.stream.max-backlog=1000",
					"redis.patterns.messaging.streams.orders.max-backlog=10",
					"redis.patterns.messaging.queue.max-deliveries=7",
					"redis.patterns.messaging.queues.mails.retry-delay=2s",
					"redis.patterns.messaging.shutdown-timeout=3s")
			.run((context) -> {
				MessagingPolicies resolver = new MessagingPolicies(
						context.getBean(RedisPatternsMessagingProperties.class));
				StreamPolicy orders = resolver.stream("orders");
				assertThat(orders.batchSize()).as("per-stream value wins").isEqualTo(5);
				assertThat(orders.reclaimAfter()).as("unset per stream: shared default").isEqualTo(Duration.ofSeconds(10));
				assertThat(orders.start()).isEqualTo(StreamPolicy.Start.LATEST);
				assertThat(orders.maxBacklog()).isEqualTo(10);
				assertThat(orders.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
				StreamPolicy other = resolver.stream("other");
				assertThat(other.batchSize()).isEqualTo(50);
				assertThat(other.start()).isEqualTo(StreamPolicy.Start.EARLIEST);
				assertThat(other.maxBacklog()).isEqualTo(1000);
				QueuePolicy mails = resolver.queue("mails");
				assertThat(mails.retryDelay()).isEqualTo(Duration.ofSeconds(2));
				assertThat(mails.maxDeliveries()).isEqualTo(7);
				assertThat(resolver.queue("jobs").retryDelay()).isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void invalidSettingsFailTheStartNamingTheProperty() {
		this.runner.withPropertyValues("redis.patterns.messaging.streams.orders.batch-size=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("redis.patterns.messaging.streams.orders.batch-size");
		});
		this.runner.withPropertyValues("redis.patterns.messaging.queue.consumer-timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("redis.patterns.messaging.queue.consumer-timeout");
		});
		this.runner.withPropertyValues("redis.patterns.messaging.stream.max-length=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("redis.patterns.messaging.stream.max-length");
		});
		this.runner.withPropertyValues("redis.patterns.messaging.streams.orders.max-backlog=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("redis.patterns.messaging.streams.orders.max-backlog");
		});
	}

	@Test
	void applicationBeansReplaceTheStartersBeans() {
		this.runner.withUserConfiguration(CustomPublisher.class).run((context) -> {
			assertThat(context).hasSingleBean(StreamPublisher.class);
			assertThat(context.getBean(StreamPublisher.class)).isSameAs(context.getBean(CustomPublisher.class).publisher);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomPublisher {

		StreamPublisher publisher;

		@Bean
		StreamPublisher customStreamPublisher(RedisConnector connector) {
			this.publisher = new StreamPublisher(connector, new dev.redispatterns.core.internal.ScriptExecutor(connector),
					new MessagingKeys(new dev.redispatterns.core.internal.RedisKeys("custom")),
					dev.redispatterns.core.JsonValueCodec.forPackages(), StreamPolicy::defaults,
					dev.redispatterns.messaging.MessagingListener.NONE);
			return this.publisher;
		}

	}

}
