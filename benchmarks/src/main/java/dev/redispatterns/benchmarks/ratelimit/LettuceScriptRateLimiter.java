package dev.redispatterns.benchmarks.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * The floor of one algorithm: a raw Lettuce {@code EVALSHA} of the starter's own script for that algorithm,
 * with the key and the arguments the engine sends ({@link RateLimitAlgorithm#script()},
 * {@link RateLimitPolicy#scriptArguments(long)}), on one connection shared by all client threads. One
 * round trip, the same work inside Redis, nothing else: what "within 15% of the raw {@code EVALSHA}" is a
 * ratio of.
 */
public final class LettuceScriptRateLimiter implements RateLimiterSubject {

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final RedisCommands<byte[], byte[]> commands;

	private final RateLimitPolicy policy;

	private final String sha;

	private final byte[] keyPrefix;

	/** Arguments for one permit; the sliding log needs a fresh nonce per call instead. */
	private final byte[][] arguments;

	private final boolean freshArguments;

	public LettuceScriptRateLimiter(CellContext context, RateLimitAlgorithm algorithm) {
		this(context, RateLimitPolicies.of(algorithm));
	}

	/** The floor of any policy, e.g. one that refuses most calls. */
	public LettuceScriptRateLimiter(CellContext context, RateLimitPolicy policy) {
		RateLimitAlgorithm algorithm = policy.algorithm();
		this.client = Clients.lettuce(context);
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.commands = this.connection.sync();
		this.policy = policy;
		LuaScript script = algorithm.script();
		this.sha = this.commands.scriptLoad(script.source().getBytes(StandardCharsets.UTF_8));
		if (!this.sha.equals(script.sha1())) {
			throw new IllegalStateException("Redis computed SHA1 " + this.sha + " for " + script + ", expected "
					+ script.sha1());
		}
		// the engine's key layout: prefix:rl:policy:algorithm:key (benchmark keys need no escaping)
		this.keyPrefix = (new RedisKeys("rp").key(RedisRateLimiter.AREA, this.policy.name(), algorithm.code()) + ":")
			.getBytes(StandardCharsets.UTF_8);
		this.arguments = this.policy.scriptArguments(1);
		this.freshArguments = algorithm == RateLimitAlgorithm.SLIDING_LOG;
	}

	@Override
	public boolean tryAcquire(String key) {
		byte[] name = key.getBytes(StandardCharsets.UTF_8);
		byte[] redisKey = Arrays.copyOf(this.keyPrefix, this.keyPrefix.length + name.length);
		System.arraycopy(name, 0, redisKey, this.keyPrefix.length, name.length);
		byte[][] args = this.freshArguments ? this.policy.scriptArguments(1) : this.arguments;
		List<Object> reply = this.commands.evalsha(this.sha, ScriptOutputType.MULTI, new byte[][] { redisKey }, args);
		return ((Long) reply.get(0)) == 1L;
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
