package dev.redispatterns.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the signals while a first subscriber is opening the pub/sub connection: the connection is either
 * closed by {@code destroy()} or never opened, so nothing is left for the client's shutdown to close (and
 * then close again).
 */
@RedisTest(process = true)
@Timeout(60)
class RedisSignalsShutdownTests {

	@Test
	void destroyWaitsForAConnectionBeingOpenedAndClosesIt() throws Exception {
		CountDownLatch opening = new CountDownLatch(1);
		CountDownLatch open = new CountDownLatch(1);
		FakeConnection connection = new FakeConnection();
		RedisConnector connector = new RedisConnector(new LettuceConnectionFactory(), Duration.ofSeconds(2),
				RedisPatternsThreads.platform(), true);
		RedisSignals signals = new RedisSignals(connector, Duration.ofSeconds(30), (events) -> {
			opening.countDown();
			awaitQuietly(open);
			return connection;
		});
		Thread subscriber = new Thread(() -> {
			try {
				signals.subscribe("rp:test:race", (message) -> {
				});
			}
			catch (RedisUnavailableException ex) {
				// closed before it subscribed: either way the connection must be closed once
			}
		});
		subscriber.start();
		assertThat(opening.await(10, TimeUnit.SECONDS)).isTrue();
		Thread destroyer = new Thread(signals::destroy);
		destroyer.start();
		// destroy() must wait for the connection being opened (before the fix it returned at once)
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> destroyer.getState() == Thread.State.WAITING
					|| destroyer.getState() == Thread.State.TERMINATED);
		open.countDown();
		subscriber.join(10_000);
		destroyer.join(10_000);
		assertThat(connection.closes).as("closed by destroy(), once").hasValue(1);
		// and nothing opens a connection after destroy()
		assertThat(catchSubscribe(signals)).isInstanceOf(RedisUnavailableException.class);
		assertThat(connection.closes).hasValue(1);
	}

	private static Throwable catchSubscribe(RedisSignals signals) {
		try {
			signals.subscribe("rp:test:after", (message) -> {
			});
			return null;
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

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


	static final class FakeConnection implements SignalConnection {

		final AtomicInteger closes = new AtomicInteger();

		@Override
		public void subscribe(SignalConnection.Kind kind, byte[] channel) {
			if (this.closes.get() > 0) {
				throw new RedisUnavailableException("Connection is closed");
			}
		}

		@Override
		public void unsubscribe(SignalConnection.Kind kind, byte[] channel) {
		}

		@Override
		public void close() {
			this.closes.incrementAndGet();
		}

	}

}
