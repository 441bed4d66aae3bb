package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.messaging.MessagingTesting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RedisTest
@Tag("portable")
class IdempotencyGuardTests {

	RedisConnectionFactory factory;

	RedisConnector connector;

	IdempotencyGuard guard;

	RedisDeployment redis;

	@BeforeEach
	void connect(RedisDeployment redis) {
		this.redis = redis;
		this.factory = RedisConnectionFactories.of(redis);
		this.connector = new RedisConnector(this.factory, Duration.ofSeconds(2));
		this.guard = new IdempotencyGuard(this.connector, new ScriptExecutor(this.connector),
				new MessagingKeys(new RedisKeys("rp")), Duration.ofSeconds(5));
	}

	@AfterEach
	void close() {
		this.connector.destroy();
		RedisConnectionFactories.destroy(this.factory);
	}

	@Test
	void workRunsOnceWithinTheRetention() {
		AtomicInteger runs = new AtomicInteger();
		assertThat(this.guard.runOnce("charge:1", Duration.ofMinutes(1), runs::incrementAndGet)).isTrue();
		assertThat(this.guard.runOnce("charge:1", Duration.ofMinutes(1), runs::incrementAndGet)).isFalse();
		assertThat(runs.get()).isEqualTo(1);
		assertThat(this.guard.isDone("charge:1")).isTrue();
		long ttl = MessagingTesting.number(this.redis, "PTTL", "rp:msg:idempotency:charge:1");
		assertThat(ttl).isBetween(1L, 60_000L);
	}

	@Test
	void failedWorkCanBeDoneByTheNextDelivery() {
		AtomicInteger runs = new AtomicInteger();
		assertThatThrownBy(() -> this.guard.runOnce("mail:1", Duration.ofMinutes(1), () -> {
			runs.incrementAndGet();
			throw new IllegalStateException("smtp down");
		})).hasMessage("smtp down");
		assertThat(this.guard.isDone("mail:1")).isFalse();
		assertThat(this.guard.runOnce("mail:1", Duration.ofMinutes(1), runs::incrementAndGet)).isTrue();
		assertThat(runs.get()).isEqualTo(2);
	}

	@Test
	void concurrentDuplicatesRunTheWorkOnceAndTheOthersAreToldItIsInProgress() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(8);
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		try {
			Future<Boolean> first = threads.submit(() -> this.guard.runOnce("order:7", Duration.ofMinutes(1), () -> {
				runs.incrementAndGet();
				inside.countDown();
				try {
					finish.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
			assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
			List<Future<?>> duplicates = new ArrayList<>();
			AtomicInteger inProgress = new AtomicInteger();
			for (int i = 0; i < 16; i++) {
				duplicates.add(threads.submit(() -> {
					try {
						this.guard.runOnce("order:7", Duration.ofMinutes(1), runs::incrementAndGet);
					}
					catch (DuplicateMessageException ex) {
						inProgress.incrementAndGet();
					}
				}));
			}
			for (Future<?> duplicate : duplicates) {
				duplicate.get(10, TimeUnit.SECONDS);
			}
			assertThat(inProgress.get()).isEqualTo(16);
			finish.countDown();
			assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.guard.runOnce("order:7", Duration.ofMinutes(1), runs::incrementAndGet)).isFalse();
			assertThat(runs.get()).isEqualTo(1);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void aLapsedClaimLetsAnotherRunTakeOverAndTheLateFinishDoesNotOverwriteIt() {
		IdempotencyGuard shortLease = new IdempotencyGuard(this.connector, new ScriptExecutor(this.connector),
				new MessagingKeys(new RedisKeys("rp")), Duration.ofMillis(200));
		AtomicInteger runs = new AtomicInteger();
		shortLease.runOnce("slow:1", Duration.ofMinutes(1), () -> {
			runs.incrementAndGet();
			await(Duration.ofSeconds(10), () -> this.redis.command("GET", "rp:msg:idempotency:slow:1") == null,
					() -> "lease lapsed");
			// another delivery takes over and completes while this one is still running
			assertThat(shortLease.runOnce("slow:1", Duration.ofMinutes(1), runs::incrementAndGet)).isTrue();
		});
		assertThat(runs.get()).isEqualTo(2);
		assertThat(shortLease.isDone("slow:1")).isTrue();
	}

}
