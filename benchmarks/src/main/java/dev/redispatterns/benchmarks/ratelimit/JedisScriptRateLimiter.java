package dev.redispatterns.benchmarks.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * The Jedis floor of one algorithm: a raw Jedis {@code EVALSHA} of the starter's own script with the
 * engine's key and arguments, on a connection borrowed from a pool of {@link Clients#JEDIS_POOL_SIZE}
 * (Jedis connections are not shared between threads). One round trip and a pool borrow, nothing else.
 */
public final class JedisScriptRateLimiter implements RateLimiterSubject {

	private final JedisPool pool;

	private final RateLimitPolicy policy;

	private final byte[] sha;

	private final byte[] keyPrefix;

	private final List<byte[]> arguments;

	private final boolean freshArguments;

	public JedisScriptRateLimiter(CellContext context, RateLimitAlgorithm algorithm) {
		RateLimitPolicy policy = RateLimitPolicies.of(algorithm);
		this.pool = Clients.jedisPool(context);
		this.policy = policy;
		LuaScript script = algorithm.script();
		try (Jedis jedis = this.pool.getResource()) {
			this.sha = jedis.scriptLoad(script.source().getBytes(StandardCharsets.UTF_8));
		}
		String loaded = new String(this.sha, StandardCharsets.US_ASCII);
		if (!loaded.equals(script.sha1())) {
			throw new IllegalStateException(
					"Redis computed SHA1 " + loaded + " for " + script + ", expected " + script.sha1());
		}
		// the engine's key layout: prefix:rl:policy:algorithm:key (benchmark keys need no escaping)
		this.keyPrefix = (new RedisKeys("rp").key(RedisRateLimiter.AREA, policy.name(), algorithm.code()) + ":")
			.getBytes(StandardCharsets.UTF_8);
		this.arguments = List.of(policy.scriptArguments(1));
		this.freshArguments = algorithm == RateLimitAlgorithm.SLIDING_LOG;
	}

	@Override
	public boolean tryAcquire(String key) {
		byte[] name = key.getBytes(StandardCharsets.UTF_8);
		byte[] redisKey = Arrays.copyOf(this.keyPrefix, this.keyPrefix.length + name.length);
		System.arraycopy(name, 0, redisKey, this.keyPrefix.length, name.length);
		List<byte[]> args = this.freshArguments ? List.of(this.policy.scriptArguments(1)) : this.arguments;
		try (Jedis jedis = this.pool.getResource()) {
			List<?> reply = (List<?>) jedis.evalsha(this.sha, List.of(redisKey), args);
			return ((Long) reply.get(0)) == 1L;
		}
	}

	@Override
	public void close() {
		this.pool.close();
	}

}
