package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.test.EnabledOnTopology;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("portable")
@RedisTopologies(process = Topology.STANDALONE)
class RedisSignalsContractTests {

	RedisConnectionFactory factory;

	RedisConnector connector;

	RedisSignals signals;

	void connect(RedisDeployment redis, Duration linger) {
		this.factory = RedisConnectionFactories.of(redis);
		this.connector = new RedisConnector(this.factory, Duration.ofSeconds(2));
		this.signals = new RedisSignals(this.connector, linger);
	}

	@AfterEach
	void close() {
		this.signals.destroy();
		this.connector.destroy();
		RedisConnectionFactories.destroy(this.factory);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void subscribedListenersReceivePublishedSignals(RedisDeployment redis) throws Exception {
		connect(redis, Duration.ofSeconds(30));
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		try (RedisSignals.Subscription subscription = this.signals.subscribe("rp:test:signal",
				(message) -> received.add(new String(message, StandardCharsets.UTF_8)))) {
			// in a cluster PUBLISH counts only the receiving node's subscribers; delivery is what counts
			this.signals.publish("rp:test:signal", bytes("hello")).get(5, TimeUnit.SECONDS);
			assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
		}
		this.signals.publish("rp:test:signal", bytes("after close")).get(5, TimeUnit.SECONDS);
		assertThat(received.poll(200, TimeUnit.MILLISECONDS)).as("closed listeners get nothing").isNull();
	}

	@Test
	void idleChannelsAreUnsubscribedAfterTheLingerTime(RedisDeployment redis) throws Exception {
		connect(redis, Duration.ofMillis(100));
		RedisSignals.Subscription subscription = this.signals.subscribe("rp:test:linger", (message) -> {
		});
		assertThat(this.signals.isSubscribed("rp:test:linger")).isTrue();
		subscription.close();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (this.signals.isSubscribed("rp:test:linger") && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(this.signals.isSubscribed("rp:test:linger")).isFalse();
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		try (RedisSignals.Subscription again = this.signals.subscribe("rp:test:linger",
				(message) -> received.add(new String(message, StandardCharsets.UTF_8)))) {
			this.signals.publish("rp:test:linger", bytes("back")).get(5, TimeUnit.SECONDS);
			assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("back");
		}
	}

	// standalone only

	@Test
	@EnabledOnTopology(Topology.STANDALONE)
	void listenersAreResubscribedAfterTheConnectionIsKilled(RedisServerProcess redis) throws Exception {
		connect(redis, Duration.ofSeconds(30));
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		try (RedisSignals.Subscription subscription = this.signals.subscribe("rp:test:kill",
				(message) -> received.add(new String(message, StandardCharsets.UTF_8)))) {
			assertThat(subscribers(redis)).isEqualTo(1L);
			redis.command("CLIENT", "KILL", "TYPE", "pubsub");
			assertThat(subscribers(redis)).isEqualTo(0L);
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (Long.valueOf(0L).equals(subscribers(redis)) && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			this.signals.publish("rp:test:kill", bytes("again")).get(5, TimeUnit.SECONDS);
			assertThat(received.poll(5, TimeUnit.SECONDS)).as("re-subscribed after reconnect").isEqualTo("again");
		}
	}

	private static long subscribers(RedisServerProcess redis) {
		return ((Number) ((List<?>) redis.command("PUBSUB", "NUMSUB", "rp:test:kill")).get(1)).longValue();
	}

}
