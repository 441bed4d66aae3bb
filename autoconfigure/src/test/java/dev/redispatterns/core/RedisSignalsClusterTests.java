package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.test.RedisClusterProcesses;
import dev.redispatterns.test.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What only the signals' Lettuce cluster connection does: sharded channels that follow their slot to a new
 * owner, patterns, and channels subscribed on one node.
 */
@Tag("redis")
@Timeout(120)
class RedisSignalsClusterTests {

	private static RedisClusterProcesses cluster;

	private static LettuceConnectionFactory factory;

	private static RedisConnector connector;

	private static RedisSignals signals;

	@BeforeAll
	static void start() {
		cluster = RedisClusterProcesses.start(3, 0);
		// Lettuce learns the slot's new owner from its periodic refresh; sharded subscriptions are retried until then
		ClusterClientOptions options = ClusterClientOptions.builder()
			.topologyRefreshOptions(
					ClusterTopologyRefreshOptions.builder().enablePeriodicRefresh(Duration.ofMillis(500)).build())
			.build();
		factory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.nodes()),
				LettuceClientConfiguration.builder().clientOptions(options).build());
		factory.afterPropertiesSet();
		factory.start();
		connector = new RedisConnector(factory, Duration.ofSeconds(5));
		signals = new RedisSignals(connector, Duration.ofSeconds(30));
	}

	@AfterAll
	static void stop() {
		if (signals != null) {
			signals.destroy();
			connector.destroy();
			factory.destroy();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void shardedSubscriptionsFollowTheirSlotToItsNewOwner() throws Exception {
		String channel = "rp:test:shard";
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		try (RedisSignals.Subscription subscription = signals.subscribeSharded(channel,
				(message) -> received.add(new String(message, StandardCharsets.UTF_8)))) {
			RedisServerProcess owner = owner(channel);
			assertThat(shardSubscribers(owner, channel)).isEqualTo(1);
			owner.command("SPUBLISH", channel, "before");
			assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("before");

			// the slot holds no key: assigning it elsewhere is the whole move, and Redis ends the subscription
			RedisServerProcess target = cluster.masterProcesses()
				.stream()
				.filter((master) -> master.port() != owner.port())
				.findFirst()
				.orElseThrow();
			long slot = (Long) owner.command("CLUSTER", "KEYSLOT", channel);
			Object targetId = target.command("CLUSTER", "MYID");
			for (RedisServerProcess master : cluster.masterProcesses()) {
				master.command("CLUSTER", "SETSLOT", slot, "NODE", targetId);
			}
			cluster.awaitHealthy(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> shardSubscribers(target, channel) == 1 && signals.isSubscribedSharded(channel));
			target.command("SPUBLISH", channel, "after");
			assertThat(received.poll(5, TimeUnit.SECONDS)).as("subscribed again on the new owner").isEqualTo("after");
		}
	}

	@Test
	void patternListenersGetTheChannelAndTheMessage() throws Exception {
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		try (RedisSignals.Subscription subscription = signals.subscribePattern("rp:test:prices.*",
				(channel, message) -> received.add(new String(channel, StandardCharsets.UTF_8) + "="
						+ new String(message, StandardCharsets.UTF_8)))) {
			signals.publish("rp:test:prices.ACME", "42".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
			assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("rp:test:prices.ACME=42");
		}
	}

	@Test
	void nodeChannelsAreHeardOnTheNodesSubscribedOnly() throws Exception {
		String channel = "rp:test:node";
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		RedisServerProcess node = cluster.masterProcesses().get(0);
		String nodeId = (String) node.command("CLUSTER", "MYID");
		try (RedisSignals.Subscription subscription = signals.onNodeMessages(List.of(channel),
				(name, message) -> received.add(new String(message, StandardCharsets.UTF_8)))) {
			signals.subscribeOnNode(nodeId, List.of(channel)).get(5, TimeUnit.SECONDS);
			assertThat(subscribers(node, channel)).isEqualTo(1);
			for (RedisServerProcess other : cluster.masterProcesses()) {
				if (other != node) {
					assertThat(subscribers(other, channel)).isZero();
				}
			}
			// a cluster forwards PUBLISH to every node: heard once, through the node subscribed
			cluster.masterProcesses().get(1).command("PUBLISH", channel, "hello");
			assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
			assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
			signals.unsubscribeOnNode(nodeId, List.of(channel));
			await().atMost(Duration.ofSeconds(5)).until(() -> subscribers(node, channel) == 0);
		}
	}

	private static RedisServerProcess owner(String channel) {
		for (RedisServerProcess master : cluster.masterProcesses()) {
			long slot = (Long) master.command("CLUSTER", "KEYSLOT", channel);
			for (Object range : (List<?>) master.command("CLUSTER", "SLOTS")) {
				List<?> entry = (List<?>) range;
				List<?> node = (List<?>) entry.get(2);
				if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)) {
					int port = ((Long) node.get(1)).intValue();
					return cluster.masterProcesses().stream().filter((m) -> m.port() == port).findFirst().orElseThrow();
				}
			}
		}
		throw new IllegalStateException("no owner of " + channel);
	}

	private static long shardSubscribers(RedisServerProcess node, String channel) {
		return ((Number) ((List<?>) node.command("PUBSUB", "SHARDNUMSUB", channel)).get(1)).longValue();
	}

	private static long subscribers(RedisServerProcess node, String channel) {
		return ((Number) ((List<?>) node.command("PUBSUB", "NUMSUB", channel)).get(1)).longValue();
	}

}
