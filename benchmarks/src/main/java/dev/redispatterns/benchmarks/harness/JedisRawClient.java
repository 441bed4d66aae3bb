package dev.redispatterns.benchmarks.harness;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;

/**
 * {@link RawClient} on a Jedis pool: Jedis connections are not shared between threads, so each command
 * borrows one.
 */
final class JedisRawClient implements RawClient {

	private final JedisPool pool;

	JedisRawClient(JedisPool pool) {
		this.pool = pool;
	}

	@Override
	public byte @Nullable [] get(byte[] key) {
		try (Jedis jedis = this.pool.getResource()) {
			return jedis.get(key);
		}
	}

	@Override
	public void set(byte[] key, byte[] value, long ttlMillis) {
		try (Jedis jedis = this.pool.getResource()) {
			jedis.set(key, value, SetParams.setParams().px(ttlMillis));
		}
	}

	@Override
	public boolean setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		try (Jedis jedis = this.pool.getResource()) {
			return "OK".equals(jedis.set(key, value, SetParams.setParams().nx().px(ttlMillis)));
		}
	}

	@Override
	public String scriptLoad(String source) {
		try (Jedis jedis = this.pool.getResource()) {
			return new String(jedis.scriptLoad(source.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
		}
	}

	@Override
	public List<?> evalshaForList(String sha, byte[] key, byte[]... args) {
		return (List<?>) evalsha(sha, key, args);
	}

	@Override
	public long evalshaForLong(String sha, byte[] key, byte[]... args) {
		return (Long) evalsha(sha, key, args);
	}

	private Object evalsha(String sha, byte[] key, byte[][] args) {
		try (Jedis jedis = this.pool.getResource()) {
			return jedis.evalsha(sha.getBytes(StandardCharsets.US_ASCII), List.of(key), Arrays.asList(args));
		}
	}

	@Override
	public void close() {
		this.pool.close();
	}

}
