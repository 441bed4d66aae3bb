package dev.redispatterns.benchmarks.layers;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.redispatterns.benchmarks.ratelimit.RateLimitPolicies;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;

/**
 * Cost of {@code ScriptExecutor.call} (bounded wait, failure translation, NOSCRIPT fallback) against a
 * raw {@code EVALSHA} on the same connection, one thread, the starter's GCRA rate-limit script with the
 * arguments of the rate-limit cells. The difference is the layer; the round trip dominates both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScriptExecutorBenchmark {

	/** System property naming the Redis server, set by the suite for the benchmark JVM. */
	public static final String REDIS_URL = "bench.redis.url";

	private LettuceConnectionFactory connectionFactory;

	private RedisConnector connector;

	private ScriptExecutor executor;

	/** Spring Data's connection over the factory's shared native connection, the one the connector uses. */
	private RedisConnection connection;

	private RedisClusterAsyncCommands<byte[], byte[]> raw;

	private final byte[][] keys = ScriptExecutor.keys("bench:layers:gcra");

	private static final LuaScript GCRA = RateLimitAlgorithm.GCRA.script();

	private final byte[][] args = RateLimitPolicies.of(RateLimitAlgorithm.GCRA).scriptArguments(1);

	@Setup
	@SuppressWarnings("unchecked")
	public void setUp() {
		URI redis = LayerSuite.redis();
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.connector = new RedisConnector(this.connectionFactory, Duration.ofSeconds(10));
		this.executor = new ScriptExecutor(this.connector);
		this.connection = this.connectionFactory.getConnection();
		this.raw = (RedisClusterAsyncCommands<byte[], byte[]>) this.connection.getNativeConnection();
		// caches the script on the server (EVAL after NOSCRIPT)
		this.executor.call(GCRA, ReturnType.MULTI, this.keys, this.args);
	}

	@TearDown
	public void tearDown() {
		this.connection.close();
		this.connector.destroy();
		this.connectionFactory.destroy();
	}

	@Benchmark
	public Object rawEvalsha() throws Exception {
		return this.raw.evalsha(GCRA.sha1(), ScriptOutputType.MULTI, this.keys, this.args).get();
	}

	@Benchmark
	public Object scriptExecutorCall() {
		return this.executor.call(GCRA, ReturnType.MULTI, this.keys, this.args);
	}

}
