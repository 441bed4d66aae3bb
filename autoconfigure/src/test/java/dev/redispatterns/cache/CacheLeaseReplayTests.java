package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.ScriptExecutor;
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
		byte[][] keys = ScriptExecutor.keys("rp:cache:{replay:1}", "rp:cache:{replay:1}:lease");
		assertThat(acquire(keys, "token-a")).isEqualTo(1L);
		assertThat(acquire(keys, "token-a")).as("the same request again").isEqualTo(1L);
		assertThat(acquire(keys, "token-b")).as("another caller").isEqualTo(0L);
	}

	@Test
	void aRefreshLeaseRequestSentTwiceIsGrantedTwiceToTheSameCallerOnly() {
		byte[][] keys = ScriptExecutor.keys("rp:cache:{replay:2}", "rp:cache:{replay:2}:lease");
		byte[] expiry = new byte[8];
		assertThat(refresh(keys, "token-a", expiry)).isEqualTo(1L);
		assertThat(refresh(keys, "token-a", expiry)).isEqualTo(1L);
		assertThat(refresh(keys, "token-b", expiry)).isEqualTo(0L);
	}

	private long acquire(byte[][] keys, String token) {
		List<Object> reply = this.scripts.call(CacheCommands.ACQUIRE, ScriptOutputType.MULTI, keys, bytes(token),
				ScriptExecutor.arg(10_000), bytes("1"));
		return (Long) reply.get(0);
	}

	private long refresh(byte[][] keys, String token, byte[] expiry) {
		Long reply = this.scripts.call(CacheCommands.REFRESH_LEASE, ScriptOutputType.INTEGER, keys, bytes(token),
				ScriptExecutor.arg(10_000), expiry);
		return reply;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
