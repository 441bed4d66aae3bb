package dev.redispatterns.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.internal.MessagingKeys;
import dev.redispatterns.test.FaultyProxy;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a connection breaks after Redis ran the claim but before its reply arrived, Lettuce sends the claim
 * again on the new connection (every command in flight but the oldest, which takes the connection error);
 * Redis then answers that the key is taken — by this very call. The guard
 * recognises its own claim and does the work, instead of reporting a duplicate that would hold the
 * message back until the claim's lease ran out.
 */
@RedisTest
class IdempotencyGuardReplayTests {

	@Test
	void aClaimSentTwiceByLettuceAfterAReconnectIsRecognisedAsOwn(RedisDeployment redis) throws Exception {
		try (FaultyProxy proxy = FaultyProxy.to(redis)) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(proxy.host(), proxy.port()),
					LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(10)).build());
			factory.afterPropertiesSet();
			factory.start();
			RedisConnector connector = new RedisConnector(factory, Duration.ofSeconds(10));
			try {
				IdempotencyGuard guard = new IdempotencyGuard(connector, new ScriptExecutor(connector),
						new MessagingKeys(new RedisKeys("rp")), Duration.ofMinutes(1));
				assertThat(guard.isDone("warm-up")).isFalse();
				AtomicInteger runs = new AtomicInteger();
				proxy.blackHoleReplies();
				// an older command in flight takes the connection error; the ones after it are sent again
				connector.commands().get("older".getBytes());
				CompletableFuture<Boolean> ran = CompletableFuture
					.supplyAsync(() -> guard.runOnce("charge:7", Duration.ofMinutes(1), runs::incrementAndGet));
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while (redis.command("EXISTS", "rp:msg:idempotency:charge:7").equals(0L)) {
					assertThat(System.nanoTime()).as("the claim reached Redis").isLessThan(deadline);
					Thread.sleep(10);
				}
				proxy.cut();
				proxy.heal();
				assertThat(ran.get(20, TimeUnit.SECONDS)).as("the work ran").isTrue();
				assertThat(runs).hasValue(1);
				assertThat(guard.isDone("charge:7")).isTrue();
			}
			finally {
				connector.destroy();
				factory.destroy();
			}
		}
	}

}
