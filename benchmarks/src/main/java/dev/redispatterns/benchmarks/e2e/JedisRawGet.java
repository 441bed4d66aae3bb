package dev.redispatterns.benchmarks.e2e;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;
import tools.jackson.databind.json.JsonMapper;

import dev.redispatterns.benchmarks.cache.CacheSubject;
import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * The public path's cache floor on Jedis, {@link LettuceRawGet} on a pool of
 * {@link Clients#JEDIS_POOL_SIZE}: one {@code GET} on a borrowed connection and nothing else (no decoding).
 */
public final class JedisRawGet implements CacheSubject {

	private static final SetParams TTL = SetParams.setParams().px(600_000);

	private static final Product HIT = Product.sample(0);

	private final JedisPool pool;

	private final JsonMapper json = JsonMapper.builder().build();

	public JedisRawGet(CellContext context) {
		this.pool = Clients.jedisPool(context);
	}

	@Override
	public @Nullable Product get(String key) {
		try (Jedis jedis = this.pool.getResource()) {
			return (jedis.get(key(key)) != null) ? HIT : null;
		}
	}

	@Override
	public void put(String key, Product value) {
		try (Jedis jedis = this.pool.getResource()) {
			jedis.set(key(key), this.json.writeValueAsBytes(value), TTL);
		}
	}

	@Override
	public Product get(String key, Callable<Product> loader) throws Exception {
		throw new UnsupportedOperationException("the raw GET floor has no get-or-load");
	}

	private static byte[] key(String key) {
		return ("products::" + key).getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.pool.close();
	}

}
