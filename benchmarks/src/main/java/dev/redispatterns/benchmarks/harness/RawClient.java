package dev.redispatterns.benchmarks.harness;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.LuaScript;

/**
 * The few commands the floors send, as plainly as each client sends them: on Lettuce over one connection
 * shared by all client threads, on Jedis over a connection borrowed per command from a pool of
 * {@link Clients#JEDIS_POOL_SIZE}. A floor written once against this differs between the clients only in
 * these calls.
 */
public interface RawClient extends AutoCloseable {

	/** One Lettuce client and connection; closing it shuts the client down. */
	static RawClient lettuce(CellContext context) {
		return new LettuceRawClient(Clients.lettuce(context));
	}

	/** A Jedis pool of {@link Clients#JEDIS_POOL_SIZE} connections; closing it closes the pool. */
	static RawClient jedis(CellContext context) {
		return new JedisRawClient(Clients.jedisPool(context));
	}

	byte @Nullable [] get(byte[] key);

	/** {@code SET key value PX ttlMillis}. */
	void set(byte[] key, byte[] value, long ttlMillis);

	/** {@code SET key value NX PX ttlMillis}: whether the key was set. */
	boolean setIfAbsent(byte[] key, byte[] value, long ttlMillis);

	/**
	 * {@code SCRIPT LOAD}, failing unless Redis computed the SHA1 the starter sends with {@code EVALSHA}.
	 * @return the script's SHA1
	 */
	default String load(LuaScript script) {
		String sha = scriptLoad(script.source());
		if (!sha.equals(script.sha1())) {
			throw new IllegalStateException(
					"Redis computed SHA1 " + sha + " for " + script + ", expected " + script.sha1());
		}
		return sha;
	}

	/** {@code SCRIPT LOAD}: the SHA1 Redis computed. */
	String scriptLoad(String source);

	/** {@code EVALSHA} of a script with one key that replies with an array. */
	List<?> evalshaForList(String sha, byte[] key, byte[]... args);

	/** {@code EVALSHA} of a script with one key that replies with an integer. */
	long evalshaForLong(String sha, byte[] key, byte[]... args);

	@Override
	void close();

}
