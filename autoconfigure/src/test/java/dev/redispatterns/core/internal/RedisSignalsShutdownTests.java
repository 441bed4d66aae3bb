package dev.redispatterns.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the signals while their pub/sub connection is being opened closes that connection too: left open,
 * the client's shutdown would close it and the bean's destruction close it again (Lettuce warns
 * "Connection is already closed" at every such shutdown).
 */
@RedisTest(process = true)
@Timeout(60)
class RedisSignalsShutdownTests {

	@Test
	void aConnectionBeingOpenedWhenTheSignalsCloseIsClosedWithThem(RedisServerProcess redis) throws Exception {
		RedisConnectionFactory factory = RedisConnectionFactories.of(redis);
		RedisConnector connector = new RedisConnector(factory, Duration.ofSeconds(2));
		RedisSignals signals = new RedisSignals(connector, Duration.ofSeconds(30));
		try {
			// a frozen server accepts the TCP connection but never answers the handshake
			redis.pause();
			CompletableFuture<Void> subscriber = CompletableFuture.runAsync(
					() -> signals.subscribe("rp:test:closing", (message) -> {
					}), (task) -> new Thread(task, "subscriber").start());
			awaitConnecting(signals);
			CompletableFuture<Void> destroy = CompletableFuture.runAsync(signals::destroy,
					(task) -> new Thread(task, "destroy").start());
			redis.resume();
			destroy.get(30, TimeUnit.SECONDS);
			subscriber.handle((ignored, failure) -> null).get(30, TimeUnit.SECONDS);
			assertThat(awaitNoSubscriber(redis)).as("subscribers of the channel after the signals closed").isZero();
		}
		finally {
			redis.resume();
			signals.destroy();
			connector.destroy();
			RedisConnectionFactories.destroy(factory);
		}
	}

	private static void awaitConnecting(RedisSignals signals) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!signals.isConnecting()) {
			assertThat(System.nanoTime()).as("the subscriber is opening the connection").isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	/** The server sees a closed connection's subscriptions end a moment after the client closed it. */
	private static long awaitNoSubscriber(RedisServerProcess redis) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		long subscribers = subscribers(redis);
		while (subscribers > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
			subscribers = subscribers(redis);
		}
		return subscribers;
	}

	private static long subscribers(RedisServerProcess redis) {
		return ((Number) ((List<?>) redis.command("PUBSUB", "NUMSUB", "rp:test:closing")).get(1)).longValue();
	}

}
