package dev.redispatterns.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Script execution contract, run against every topology by the subclasses.
 */
@Tag("portable")
abstract class ScriptExecutorContractTests {

	static final LuaScript INCR_BOTH = LuaScript.load(ScriptExecutorContractTests.class, "incr_both.lua");

	static RedisConnectionFactory factory;

	static RedisConnector connector;

	static ScriptExecutor executor;

	static RedisDeployment redis;

	@BeforeAll
	static void connect(RedisDeployment deployment) {
		redis = deployment;
		factory = RedisConnectionFactories.of(deployment);
		connector = new RedisConnector(factory, Duration.ofSeconds(2));
		executor = new ScriptExecutor(connector);
	}

	@AfterAll
	static void disconnect() {
		connector.destroy();
		RedisConnectionFactories.destroy(factory);
	}

	private final RedisKeys keys = new RedisKeys("rp");

	@Test
	void scriptIsLoadedFromItsResourceWithTheDigestRedisUses() {
		assertThat(INCR_BOTH.source()).contains("INCRBY");
		Object digest = redis.command("SCRIPT", "LOAD", INCR_BOTH.source());
		assertThat(INCR_BOTH.sha1()).isEqualTo(digest);
	}

	@Test
	void multiKeyScriptRunsInOneSlotGroup() {
		RedisKeys.SlotGroup group = this.keys.slotGroup("test", "multi");
		List<Long> reply = executor.call(INCR_BOTH, ReturnType.MULTI,
				ScriptExecutor.keys(group.key("a"), group.key("b")), ScriptExecutor.arg(5));
		assertThat(reply).containsExactly(5L, 5L);
	}

	@Test
	void scriptRunsAgainAfterScriptFlush() {
		RedisKeys.SlotGroup group = this.keys.slotGroup("test", "flush");
		byte[][] scriptKeys = ScriptExecutor.keys(group.key("a"), group.key("b"));
		executor.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1));
		redis.onEveryMaster("SCRIPT", "FLUSH");
		assertThat(redis.onEveryMaster("SCRIPT", "EXISTS", INCR_BOTH.sha1())).allMatch((r) -> List.of(0L).equals(r));
		List<Long> reply = executor.call(INCR_BOTH, ReturnType.MULTI, scriptKeys, ScriptExecutor.arg(1));
		assertThat(reply).containsExactly(2L, 2L);
		assertThat(redis.onEveryMaster("SCRIPT", "EXISTS", INCR_BOTH.sha1())).as("reloaded on the owning node")
			.anyMatch((r) -> List.of(1L).equals(r));
	}

	@Test
	void asyncExecutionRecoversFromNoScriptToo() throws Exception {
		RedisKeys.SlotGroup group = this.keys.slotGroup("test", "async");
		redis.onEveryMaster("SCRIPT", "FLUSH");
		List<Long> reply = executor.<List<Long>>execute(INCR_BOTH, ReturnType.MULTI,
				ScriptExecutor.keys(group.key("a"), group.key("b")), ScriptExecutor.arg(3))
			.get(5, TimeUnit.SECONDS);
		assertThat(reply).containsExactly(3L, 3L);
	}

	@Test
	void scriptErrorsAreReportedAsCommandErrorsNotOutages() {
		LuaScript broken = LuaScript.of("broken.lua", "return redis.call('NOSUCHCOMMAND', KEYS[1])");
		byte[][] scriptKeys = ScriptExecutor.keys(this.keys.key("test", "broken"));
		assertThatThrownBy(() -> executor.call(broken, ReturnType.STATUS, scriptKeys))
			.isInstanceOf(RedisPatternsException.class)
			.isNotInstanceOf(RedisUnavailableException.class)
			.hasMessageContaining("Redis rejected the command");
		assertThatThrownBy(() -> executor.execute(broken, ReturnType.STATUS, scriptKeys).get())
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(RedisPatternsException.class)
			.isNotInstanceOf(RedisUnavailableException.class);
	}

	@Test
	void keysAndArgumentsAreUtf8() {
		assertThat(ScriptExecutor.keys("k\u00e9")[0]).isEqualTo("k\u00e9".getBytes(StandardCharsets.UTF_8));
		assertThat(ScriptExecutor.arg(-12L)).isEqualTo("-12".getBytes(StandardCharsets.US_ASCII));
	}

}
