package dev.redispatterns.benchmarks.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.RawClient;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * The floor of one algorithm: a raw {@code EVALSHA} of the starter's own script for that algorithm, with
 * the key and the arguments the engine sends ({@link RateLimitAlgorithm#script()},
 * {@link RateLimitPolicy#scriptArguments(long)}). One round trip, the same work inside Redis, nothing else:
 * what "within 15% of the raw {@code EVALSHA}" is a ratio of.
 */
public final class ScriptRateLimiter implements RateLimiterSubject {

	private final RawClient client;

	private final RateLimitPolicy policy;

	private final String sha;

	private final byte[] keyPrefix;

	/** Arguments for one permit; the sliding log needs a fresh nonce per call instead. */
	private final byte[][] arguments;

	private final boolean freshArguments;

	/** The floor of any policy, e.g. one that refuses most calls. */
	public ScriptRateLimiter(RawClient client, RateLimitPolicy policy) {
		RateLimitAlgorithm algorithm = policy.algorithm();
		this.client = client;
		this.policy = policy;
		this.sha = client.load(algorithm.script());
		// the engine's key layout: prefix:rl:policy:algorithm:key (benchmark keys need no escaping)
		this.keyPrefix = (new RedisKeys("rp").key(RedisRateLimiter.AREA, policy.name(), algorithm.code()) + ":")
			.getBytes(StandardCharsets.UTF_8);
		this.arguments = policy.scriptArguments(1);
		this.freshArguments = algorithm == RateLimitAlgorithm.SLIDING_LOG;
	}

	/** On one Lettuce connection shared by all client threads. */
	public static ScriptRateLimiter lettuce(CellContext context, RateLimitAlgorithm algorithm) {
		return new ScriptRateLimiter(RawClient.lettuce(context), RateLimitPolicies.of(algorithm));
	}

	/** On a Jedis pool, a connection borrowed per decision. */
	public static ScriptRateLimiter jedis(CellContext context, RateLimitAlgorithm algorithm) {
		return new ScriptRateLimiter(RawClient.jedis(context), RateLimitPolicies.of(algorithm));
	}

	@Override
	public boolean tryAcquire(String key) {
		byte[] name = key.getBytes(StandardCharsets.UTF_8);
		byte[] redisKey = Arrays.copyOf(this.keyPrefix, this.keyPrefix.length + name.length);
		System.arraycopy(name, 0, redisKey, this.keyPrefix.length, name.length);
		byte[][] args = this.freshArguments ? this.policy.scriptArguments(1) : this.arguments;
		return ((Long) this.client.evalshaForList(this.sha, redisKey, args).get(0)) == 1L;
	}

	@Override
	public void close() {
		this.client.close();
	}

}
