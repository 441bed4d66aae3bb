package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

@RedisTest(process = true)
class RedisSignalsStandaloneTests extends RedisSignalsContractTests {

	@Test
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
