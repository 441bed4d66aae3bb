package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.observability.MessagingMetrics;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static dev.redispatterns.messaging.MessagingTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PubSubListener} and {@link PubSubPublisher} on a single Redis, through Spring Boot's listener
 * container; on either client.
 */
@RedisTest
@Tag("portable")
class PubSubListenerTests {

	static final Duration WAIT = Duration.ofSeconds(15);

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	PubSubListenerTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = MessagingContexts.runner(redis);
	}

	@Test
	void messagesReachTheListenersOfTwoApplicationContexts() {
		this.runner.withUserConfiguration(PriceListener.class).run((first) -> this.runner
			.withUserConfiguration(PriceListener.class)
			.run((second) -> {
				long receivers = first.getBean(PubSubPublisher.class).publish("prices", new PriceChanged("ACME", 4200));
				assertThat(receivers).isEqualTo(2);
				for (PriceListener listener : List.of(first.getBean(PriceListener.class),
						second.getBean(PriceListener.class))) {
					assertThat(listener.prices.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
						.isEqualTo(new PriceChanged("ACME", 4200));
					assertThat(listener.channels.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("prices");
				}
			}));
	}

	@Test
	void listenersUseSpringBootsListenerContainer() {
		this.runner.withUserConfiguration(PriceListener.class).run((context) -> {
			assertThat(context).hasSingleBean(org.springframework.data.redis.listener.RedisMessageListenerContainer.class);
			assertThat(context.getBeanFactory().getBeanDefinition("redisMessageListenerContainer").getFactoryBeanName())
				.as("defined by Spring Boot, not by the starter")
				.contains("DataRedisAnnotationDrivenConfiguration");
			assertThat(subscribers("prices")).isEqualTo(1);
		});
	}

	@Test
	void listenersSubscribeAgainAfterTheirConnectionIsKilled() {
		this.runner.withUserConfiguration(PriceListener.class).run((context) -> {
			PriceListener listener = context.getBean(PriceListener.class);
			PubSubPublisher publisher = context.getBean(PubSubPublisher.class);
			assertThat(subscribers("prices")).isEqualTo(1);
			Set<String> before = pubSubClients();
			assertThat(before).isNotEmpty();
			this.redis.command("CLIENT", "KILL", "TYPE", "pubsub");
			await(WAIT, () -> subscribers("prices") == 1 && Collections.disjoint(pubSubClients(), before),
					() -> "subscribed again on a new connection");
			// messages published while disconnected are lost: publish until one arrives
			await(WAIT, () -> {
				publisher.publish("prices", new PriceChanged("AFTER", 1));
				return listener.prices.stream().anyMatch((price) -> price.symbol().equals("AFTER"));
			}, () -> "a message after the reconnect");
		});
	}

	@Test
	void patternListenersReceiveTheChannelOfEachMessage() {
		this.runner.withUserConfiguration(PatternListener.class).run((context) -> {
			PatternListener listener = context.getBean(PatternListener.class);
			context.getBean(PubSubPublisher.class).publish("prices.eu", new PriceChanged("EU", 1));
			context.getBean(PubSubPublisher.class).publish("prices.us", new PriceChanged("US", 2));
			// the container hands each message to its own thread: no order between channels
			await(WAIT, () -> listener.channels.size() == 2, () -> "two messages");
			assertThat(listener.channels).containsExactlyInAnyOrder("prices.eu", "prices.us");
		});
	}

	@Test
	void unreadableMessagesAreDroppedAndCountedAndTheListenerKeepsWorking() {
		this.runner.withUserConfiguration(PriceListener.class, Metrics.class).run((context) -> {
			PriceListener listener = context.getBean(PriceListener.class);
			PubSubPublisher publisher = context.getBean(PubSubPublisher.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			publisher.publish("prices", bytes("{not json"));
			await(WAIT, () -> registry.find(MessagingMetrics.PUBSUB_DROPPED).tag("channel", "prices").counter() != null,
					() -> "dropped counted");
			publisher.publish("prices", new PriceChanged("OK", 3));
			assertThat(listener.prices.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new PriceChanged("OK", 3));
			assertThat(registry.get(MessagingMetrics.PUBSUB_DROPPED).tag("channel", "prices").counter().count())
				.isEqualTo(1);
			assertThat(registry.get(MessagingMetrics.PUBSUB_PUBLISHED).tag("channel", "prices").counter().count())
				.isEqualTo(2);
			assertThat(registry.get(MessagingMetrics.PUBSUB_RECEIVED).tag("channel", "prices").counter().count())
				.isEqualTo(2);
			await(WAIT, () -> registry.find(MessagingMetrics.PUBSUB_HANDLER)
				.tag("channel", "prices")
				.tag("outcome", "success")
				.timer() != null, () -> "handler timed");
			assertThat(registry.get(MessagingMetrics.PUBSUB_HANDLER).timer().count()).isEqualTo(1);
		});
	}

	@Test
	void aListenerMethodWithTooManyParametersFailsTheStart() {
		this.runner.withUserConfiguration(BrokenListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("@PubSubListener method")
				.hasMessageContaining("BrokenListener.broken()");
		});
	}

	private long subscribers(String channel) {
		return ((Number) ((List<?>) this.redis.command("PUBSUB", "NUMSUB", channel)).get(1)).longValue();
	}

	private Set<String> pubSubClients() {
		Set<String> ids = new HashSet<>();
		Matcher matcher = Pattern.compile("id=(\\d+)")
			.matcher(String.valueOf(this.redis.command("CLIENT", "LIST", "TYPE", "pubsub")));
		while (matcher.find()) {
			ids.add(matcher.group(1));
		}
		return ids;
	}

	static class PriceListener {

		final BlockingQueue<PriceChanged> prices = new LinkedBlockingQueue<>();

		final BlockingQueue<String> channels = new LinkedBlockingQueue<>();

		@PubSubListener("prices")
		void onPrice(PriceChanged price, String channel) {
			this.prices.add(price);
			this.channels.add(channel);
		}

	}

	static class PatternListener {

		final BlockingQueue<String> channels = new LinkedBlockingQueue<>();

		@PubSubListener(patterns = "prices.*")
		void onPrice(PriceChanged price, String channel) {
			this.channels.add(channel);
		}

	}

	static class BrokenListener {

		@PubSubListener("broken")
		void broken(PriceChanged price, String channel, int extra) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Metrics {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
