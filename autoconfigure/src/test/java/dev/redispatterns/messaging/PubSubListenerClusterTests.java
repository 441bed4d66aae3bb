package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.redispatterns.messaging.PubSubListenerTests.PatternListener;
import dev.redispatterns.messaging.PubSubListenerTests.PriceListener;
import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pub/sub on Redis Cluster: sharded ({@code SSUBSCRIBE}/{@code SPUBLISH}) by default, classic when
 * switched off.
 */
@RedisTest(topology = Topology.CLUSTER)
class PubSubListenerClusterTests {

	static final Duration WAIT = Duration.ofSeconds(15);

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	PubSubListenerClusterTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = MessagingContexts.runner(redis);
	}

	@Test
	void shardedMessagesReachTheListenersOfTwoApplicationContexts() {
		this.runner.withUserConfiguration(PriceListener.class).run((first) -> this.runner
			.withUserConfiguration(PriceListener.class)
			.run((second) -> {
				PubSubPublisher publisher = first.getBean(PubSubPublisher.class);
				assertThat(publisher.isSharded()).isTrue();
				assertThat(shardSubscribers("prices")).as("SSUBSCRIBE on the slot owner").isEqualTo(2);
				assertThat(classicSubscribers("prices")).isZero();
				assertThat(publisher.publish("prices", new PriceChanged("ACME", 4200))).isEqualTo(2);
				for (PriceListener listener : List.of(first.getBean(PriceListener.class),
						second.getBean(PriceListener.class))) {
					assertThat(listener.prices.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
						.isEqualTo(new PriceChanged("ACME", 4200));
					assertThat(listener.channels.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("prices");
				}
			}));
	}

	@Test
	void shardedListenersSubscribeAgainAfterTheirConnectionsAreKilled() {
		this.runner.withUserConfiguration(PriceListener.class).run((context) -> {
			PriceListener listener = context.getBean(PriceListener.class);
			PubSubPublisher publisher = context.getBean(PubSubPublisher.class);
			assertThat(shardSubscribers("prices")).isEqualTo(1);
			Set<String> before = pubSubClients();
			this.redis.onEveryMaster("CLIENT", "KILL", "TYPE", "pubsub");
			await(WAIT, () -> shardSubscribers("prices") == 1 && Collections.disjoint(pubSubClients(), before),
					() -> "subscribed again on a new connection");
			await(WAIT, () -> {
				publisher.publish("prices", new PriceChanged("AFTER", 1));
				return listener.prices.stream().anyMatch((price) -> price.symbol().equals("AFTER"));
			}, () -> "a message after the reconnect");
		});
	}

	@Test
	@ExtendWith(RecordedLogs.Extension.class)
	void shardedListenersCloseQuietlyWithTheContext(RecordedLogs logs) {
		this.runner.withUserConfiguration(PriceListener.class).run((context) -> {
			PubSubPublisher publisher = context.getBean(PubSubPublisher.class);
			publisher.publish("prices", new PriceChanged("CLOSE", 1));
			assertThat(context.getBean(PriceListener.class).prices.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
				.isEqualTo(new PriceChanged("CLOSE", 1));
		});
		// the shared signal connection is closed before the connection factory shuts Lettuce's client down
		assertThat(logs.lines()).noneMatch((line) -> line.contains("already closed"))
			.noneMatch((line) -> line.startsWith("WARN io.lettuce") || line.startsWith("ERROR io.lettuce"))
			.noneMatch((line) -> line.startsWith("WARN dev.redispatterns") || line.startsWith("ERROR dev.redispatterns"));
	}

	@Test
	void patternsCannotBeShardedAndFailTheStartNamingTheSwitch() {
		this.runner.withUserConfiguration(PatternListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("redis.patterns.messaging.pub-sub.sharded")
				.hasMessageContaining("prices.*");
		});
	}

	@Test
	void shardedListenersFailTheStartInPortableModeNamingTheSwitch() {
		this.runner.withPropertyValues("redis.patterns.client=portable")
			.withUserConfiguration(PriceListener.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("redis.patterns.messaging.pub-sub.sharded")
					.hasMessageContaining("Lettuce")
					.hasMessageContaining("portable mode");
			});
	}

	@Test
	void aPortableApplicationPublishesToShardedListeners() {
		// the listeners natively (SSUBSCRIBE), the publisher on Jedis through Spring Data (SPUBLISH)
		this.runner.withUserConfiguration(PriceListener.class)
			.run((listening) -> this.runner.withPropertyValues("spring.data.redis.client-type=jedis").run((publishing) -> {
				PubSubPublisher publisher = publishing.getBean(PubSubPublisher.class);
				assertThat(publisher.isSharded()).isTrue();
				assertThat(publisher.publish("prices", new PriceChanged("JEDIS", 7))).isEqualTo(1);
				assertThat(listening.getBean(PriceListener.class).prices.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
					.isEqualTo(new PriceChanged("JEDIS", 7));
			}));
	}

	@Test
	void classicPubSubWorksInPortableModeWhenShardingIsOff() {
		this.runner
			.withPropertyValues("spring.data.redis.client-type=jedis", "redis.patterns.messaging.pub-sub.sharded=false")
			.withUserConfiguration(PriceListener.class)
			.run((context) -> {
				PubSubPublisher publisher = context.getBean(PubSubPublisher.class);
				assertThat(publisher.isSharded()).isFalse();
				await(WAIT, () -> classicSubscribers("prices") == 1, () -> "subscribed");
				publisher.publish("prices", new PriceChanged("CLASSIC", 3));
				assertThat(context.getBean(PriceListener.class).prices.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
					.isEqualTo(new PriceChanged("CLASSIC", 3));
			});
	}

	@Test
	void classicPubSubWithPatternsWorksWhenShardingIsOff() {
		this.runner.withPropertyValues("redis.patterns.messaging.pub-sub.sharded=false")
			.withUserConfiguration(PatternListener.class, PriceListener.class)
			.run((context) -> {
				PubSubPublisher publisher = context.getBean(PubSubPublisher.class);
				assertThat(publisher.isSharded()).isFalse();
				publisher.publish("prices.eu", new PriceChanged("EU", 1));
				publisher.publish("prices", new PriceChanged("PLAIN", 2));
				PatternListener patterns = context.getBean(PatternListener.class);
				assertThat(patterns.channels.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("prices.eu");
				assertThat(context.getBean(PriceListener.class).prices.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
					.isEqualTo(new PriceChanged("PLAIN", 2));
				assertThat(shardSubscribers("prices")).isZero();
			});
	}

	private long shardSubscribers(String channel) {
		return sum(this.redis.onEveryMaster("PUBSUB", "SHARDNUMSUB", channel));
	}

	private long classicSubscribers(String channel) {
		return sum(this.redis.onEveryMaster("PUBSUB", "NUMSUB", channel));
	}

	private Set<String> pubSubClients() {
		Set<String> ids = new HashSet<>();
		List<Object> lists = this.redis.onEveryMaster("CLIENT", "LIST", "TYPE", "pubsub");
		for (int node = 0; node < lists.size(); node++) {
			Matcher matcher = Pattern.compile("id=(\\d+)").matcher(String.valueOf(lists.get(node)));
			while (matcher.find()) {
				ids.add(node + ":" + matcher.group(1));
			}
		}
		return ids;
	}

	private static long sum(List<Object> replies) {
		return replies.stream().mapToLong((reply) -> ((Number) ((List<?>) reply).get(1)).longValue()).sum();
	}

}
