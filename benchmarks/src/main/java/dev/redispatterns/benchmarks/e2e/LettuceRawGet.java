package dev.redispatterns.benchmarks.e2e;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.redispatterns.benchmarks.cache.CacheSubject;
import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * The public path's cache floor: one {@code GET} on a shared Lettuce connection and nothing else (no
 * decoding), the least a cache hit can cost.
 */
public final class LettuceRawGet implements CacheSubject {

	private static final SetArgs TTL = SetArgs.Builder.px(600_000);

	private static final Product HIT = Product.sample(0);

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final RedisCommands<byte[], byte[]> commands;

	private final JsonMapper json = JsonMapper.builder().build();

	public LettuceRawGet(CellContext context) {
		this.client = Clients.lettuce(context);
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.commands = this.connection.sync();
	}

	@Override
	public @Nullable Product get(String key) {
		return (this.commands.get(key(key)) != null) ? HIT : null;
	}

	@Override
	public void put(String key, Product value) {
		this.commands.set(key(key), this.json.writeValueAsBytes(value), TTL);
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
		this.connection.close();
		this.client.shutdown();
	}

}
