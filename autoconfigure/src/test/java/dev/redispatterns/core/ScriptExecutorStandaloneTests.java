package dev.redispatterns.core;

import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.ReturnType;
import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisServerProcess;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RedisTest(process = true)
class ScriptExecutorStandaloneTests extends ScriptExecutorContractTests {

	@Test
	void serverRestartLosesTheScriptCacheAndNothingBreaks(RedisServerProcess server) {
		RedisKeys.SlotGroup group = new RedisKeys("rp").slotGroup("test", "restart");
		byte[][] scriptKeys = ScriptExecutor.keys(group.key("a"), group.key("b"));
		executor.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1));
		server.restart();
		List<Long> reply = awaitReconnected(() -> executor.call(INCR_BOTH, ReturnType.MULTI, scriptKeys,
				ScriptExecutor.arg(1)));
		assertThat(reply).as("fresh server, nothing persisted").containsExactly(1L, 1L);
	}

	@Test
	void outageIsReportedAsUnavailableWithinTheTimeout(RedisServerProcess server) {
		RedisConnector shortTimeout = new RedisConnector(factory, Duration.ofMillis(300));
		ScriptExecutor quick = new ScriptExecutor(shortTimeout);
		byte[][] scriptKeys = ScriptExecutor.keys("rp:test:{outage}:a", "rp:test:{outage}:b");
		quick.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1));
		server.pause();
		try {
			long start = System.nanoTime();
			assertThatThrownBy(() -> quick.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1)))
				.isInstanceOf(RedisUnavailableException.class);
			// portable mode is bounded by the client's read timeout (5 s here), which Jedis can pay twice
			Duration bound = shortTimeout.isNative() ? Duration.ofSeconds(3) : Duration.ofSeconds(12);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
		}
		finally {
			server.resume();
		}
		server.stop();
		awaitDisconnected(shortTimeout);
		assertThat(shortTimeout.isConnected()).isFalse();
		assertThatThrownBy(shortTimeout::requireConnected).isInstanceOf(RedisUnavailableException.class);
		server.restart();
		awaitReconnected(() -> quick.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1)));
		assertThat(shortTimeout.isConnected()).isTrue();
	}

	private static void awaitDisconnected(RedisConnector connector) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (connector.isConnected() && System.nanoTime() < deadline) {
			sleep();
		}
	}

	static <T> T awaitReconnected(java.util.function.Supplier<T> call) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			try {
				return call.get();
			}
			catch (RedisUnavailableException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				sleep();
			}
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(50);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
