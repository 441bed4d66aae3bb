package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.ReturnType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lettuce sends a command again when the connection broke before its reply came. A lease script run twice
 * for the same caller must give that caller the lease both times: answering "held by someone else" would
 * leave the caller waiting for its own load until the lease ran out.
 */
@RedisTest
class CacheLeaseReplayTests {

	private LettuceConnectionFactory factory;

	private ScriptExecutor scripts;

	@BeforeEach
	void connect(RedisDeployment redis) {
		this.factory = RedisConnectionFactories.lettuce(redis);
		this.scripts = new ScriptExecutor(new RedisConnector(this.factory, Duration.ofSeconds(5)));
	}

	@AfterEach
	void close() {
		this.factory.destroy();
	}

	@Test
	void aLeaseRequestSentTwiceIsGrantedTwiceToTheSameCallerOnly() {
		byte[][] keys = ScriptExecutor.keys("rp:cache:{replay:1}", "rp:cache:{replay:1}:lease",
				"rp:cache:{replay:1}:ticket");
		assertThat(acquire(keys, "token-a", "ticket-a")).containsExactly(1L, "ticket-a");
		assertThat(acquire(keys, "token-a", "ticket-a")).as("the same request again").containsExactly(1L, "ticket-a");
		assertThat(acquire(keys, "token-b", "ticket-b")).as("another caller, who shares the ticket")
			.containsExactly(0L, "ticket-a");
	}

	@Test
	void aRefreshLeaseRequestSentTwiceIsGrantedTwiceToTheSameCallerOnly() {
		byte[][] keys = ScriptExecutor.keys("rp:cache:{replay:2}", "rp:cache:{replay:2}:lease",
				"rp:cache:{replay:2}:ticket");
		byte[] expiry = new byte[8];
		assertThat(refresh(keys, "token-a", expiry, "ticket-a")).isEqualTo("ticket-a");
		assertThat(refresh(keys, "token-a", expiry, "ticket-a")).isEqualTo("ticket-a");
		assertThat(refresh(keys, "token-b", expiry, "ticket-b")).isNull();
	}

	private List<Object> acquire(byte[][] keys, String token, String ticket) {
		List<Object> reply = this.scripts.call(CacheCommands.ACQUIRE, ReturnType.MULTI, keys, bytes(token),
				ScriptExecutor.arg(10_000), bytes("1"), bytes(ticket));
		return List.of(reply.get(0), new String((byte[]) reply.get(1), StandardCharsets.UTF_8));
	}

	private @Nullable String refresh(byte[][] keys, String token, byte[] expiry, String ticket) {
		byte[] reply = this.scripts.call(CacheCommands.REFRESH_LEASE, ReturnType.VALUE, keys, bytes(token),
				ScriptExecutor.arg(10_000), expiry, bytes(ticket));
		return (reply != null) ? new String(reply, StandardCharsets.UTF_8) : null;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
