package dev.redispatterns.ratelimit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisUnavailableException;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decisions while Redis is unreachable follow each policy's failure behaviour, and never take longer
 * than the command timeout.
 */
@RedisTest(process = true)
class RedisRateLimiterOutageTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	/** Generous bound for a loaded 2-core machine: the command timeout plus 2 s. */
	private static final Duration BOUND = TIMEOUT.plusSeconds(2);

	@Test
	void failOpenFailClosedAndLocalFallbackWhileRedisIsFrozenOrDown(RedisServerProcess server) throws Exception {
		LettuceConnectionFactory factory = RedisConnectionFactories.lettuce(server, TIMEOUT);
		RedisConnector connector = new RedisConnector(factory, TIMEOUT);
		AtomicInteger degraded = new AtomicInteger();
		AtomicInteger recovered = new AtomicInteger();
		RedisRateLimiter limiter = RedisRateLimiter.builder(connector)
			.keys(new RedisKeys("rp"))
			.policy(RateLimitPolicy.of("open", RateLimitAlgorithm.SLIDING_WINDOW, 100, Duration.ofMinutes(1)))
			.policy(RateLimitPolicy.of("closed", RateLimitAlgorithm.GCRA, 100, Duration.ofMinutes(1)).withFailOpen(false))
			.policy(RateLimitPolicy.of("local", RateLimitAlgorithm.FIXED_WINDOW, 4, Duration.ofHours(1))
				.withFailOpen(false)
				.withLocalFallback(true))
			.localFallback(2, 100)
			.listener(new RateLimitListener() {
				@Override
				public void onDegraded(RedisUnavailableException cause) {
					degraded.incrementAndGet();
				}

				@Override
				public void onRecovered(Duration degradedFor) {
					recovered.incrementAndGet();
				}
			})
			.build();
		try {
			assertThat(limiter.tryAcquire("open", "k").outcome()).isEqualTo(RateLimitOutcome.ALLOWED);
			assertThat(limiter.isDegraded()).isFalse();

			// Frozen: the connection stays up but nothing answers; every decision waits the timeout at most.
			server.pause();
			try {
				RateLimitDecision open = timed(() -> limiter.tryAcquire("open", "k"));
				assertThat(open.outcome()).isEqualTo(RateLimitOutcome.ERROR_OPEN);
				assertThat(open.isAllowed()).isTrue();
				assertThat(open.remaining()).isEqualTo(RateLimitDecision.UNKNOWN);
				RateLimitDecision closed = timed(() -> limiter.tryAcquire("closed", "k"));
				assertThat(closed.outcome()).isEqualTo(RateLimitOutcome.ERROR_CLOSED);
				assertThat(closed.failure()).isInstanceOf(RedisUnavailableException.class);
				RateLimitDecision async = timed(() -> join(limiter.tryAcquireAsync("closed", "k", 1)));
				assertThat(async.outcome()).isEqualTo(RateLimitOutcome.ERROR_CLOSED);
				assertThatThrownBy(() -> timed(() -> limiter.acquire("closed", "k", 1)))
					.isInstanceOf(RateLimitUnavailableException.class)
					.isNotInstanceOf(RateLimitExceededException.class);
			}
			finally {
				server.resume();
			}
			assertThat(degraded).hasValue(1);

			// Down: the connection is gone; decisions fail fast while Lettuce reconnects.
			server.stop();
			awaitDisconnected(connector);
			assertThat(timed(() -> limiter.tryAcquire("open", "k")).outcome()).isEqualTo(RateLimitOutcome.ERROR_OPEN);
			assertThat(timed(() -> limiter.tryAcquire("closed", "k")).isAllowed()).isFalse();
			// The local fallback grants this instance's share: 4 / 2 instances.
			assertThat(limiter.tryAcquire("local", "k").outcome()).isEqualTo(RateLimitOutcome.FALLBACK_ALLOWED);
			assertThat(limiter.tryAcquire("local", "k").outcome()).isEqualTo(RateLimitOutcome.FALLBACK_ALLOWED);
			RateLimitDecision refused = limiter.tryAcquire("local", "k");
			assertThat(refused.outcome()).isEqualTo(RateLimitOutcome.FALLBACK_REJECTED);
			assertThat(refused.retryAfter()).isPositive();
			assertThat(limiter.tryAcquire("local", "other").isAllowed()).as("per key").isTrue();
			assertThat(limiter.isDegraded()).isTrue();
			assertThat(limiter.degradedTime()).isPositive();

			server.restart();
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (limiter.tryAcquire("open", "k").outcome() != RateLimitOutcome.ALLOWED) {
				assertThat(System.nanoTime()).as("Redis decides again after the restart").isLessThan(deadline);
				Thread.sleep(50);
			}
			assertThat(limiter.isDegraded()).isFalse();
			assertThat(recovered).hasValue(1);
			assertThat(limiter.tryAcquire("local", "k").outcome()).isEqualTo(RateLimitOutcome.ALLOWED);
		}
		finally {
			connector.destroy();
			factory.destroy();
		}
	}

	@Test
	void anInterruptedDecisionIsCancelledAndNoOutage(RedisServerProcess server) throws Exception {
		LettuceConnectionFactory factory = RedisConnectionFactories.lettuce(server, Duration.ofSeconds(30));
		RedisConnector connector = new RedisConnector(factory, Duration.ofSeconds(30));
		AtomicInteger degraded = new AtomicInteger();
		RedisRateLimiter limiter = RedisRateLimiter.builder(connector)
			.keys(new RedisKeys("rp"))
			.policy(RateLimitPolicy.of("open", RateLimitAlgorithm.GCRA, 100, Duration.ofMinutes(1)))
			.listener(new RateLimitListener() {
				@Override
				public void onDegraded(RedisUnavailableException cause) {
					degraded.incrementAndGet();
				}
			})
			.build();
		try {
			assertThat(limiter.tryAcquire("open", "k").isAllowed()).isTrue();
			java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
			java.util.concurrent.atomic.AtomicBoolean interruptKept = new java.util.concurrent.atomic.AtomicBoolean();
			Thread caller = new Thread(() -> {
				try {
					outcome.set(limiter.tryAcquire("open", "k"));
				}
				catch (RuntimeException ex) {
					outcome.set(ex);
					interruptKept.set(Thread.currentThread().isInterrupted());
				}
			});
			server.pause();
			try {
				caller.start();
				// interrupted while it waits for the reply of a Redis that does not answer
				long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
				while (!(caller.getState() == Thread.State.TIMED_WAITING && java.util.Arrays.stream(caller.getStackTrace())
					.anyMatch((frame) -> frame.getClassName().endsWith(".RedisConnector") && frame.getMethodName().equals("await")))) {
					assertThat(System.nanoTime()).as("caller waiting for Redis").isLessThan(deadline);
					Thread.onSpinWait();
				}
				caller.interrupt();
				caller.join(TimeUnit.SECONDS.toMillis(20));
			}
			finally {
				server.resume();
			}
			assertThat(outcome.get()).as("not a fail-open grant").isInstanceOf(java.util.concurrent.CancellationException.class);
			assertThat(interruptKept).as("the interrupt flag stays set").isTrue();
			assertThat(limiter.isDegraded()).as("an interrupt is no outage").isFalse();
			assertThat(degraded).hasValue(0);
		}
		finally {
			connector.destroy();
			factory.destroy();
		}
	}

	private static <T> T timed(java.util.function.Supplier<T> call) {
		long start = System.nanoTime();
		try {
			return call.get();
		}
		finally {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the command timeout")
				.isLessThan(BOUND);
		}
	}

	private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
		try {
			return future.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitDisconnected(RedisConnector connector) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (connector.isConnected()) {
			assertThat(System.nanoTime()).as("connection noticed the outage").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

}
