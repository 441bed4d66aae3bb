package dev.redispatterns.benchmarks.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * The floor: one {@code GET} on a shared Lettuce connection plus a Jackson decode of plain JSON into the
 * known type. As a get-or-load it has no protection at all: every caller that misses runs the loader.
 */
public final class LettuceGetCache implements CacheSubject {

	private static final SetArgs TTL = SetArgs.Builder.px(600_000);

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final RedisCommands<byte[], byte[]> commands;

	private final JsonMapper json = JsonMapper.builder().build();

	public LettuceGetCache(CellContext context) {
		this.client = Clients.lettuce(context);
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.commands = this.connection.sync();
	}

	@Override
	public @Nullable Product get(String key) {
		byte[] bytes = this.commands.get(key(key));
		return (bytes != null) ? this.json.readValue(bytes, Product.class) : null;
	}

	@Override
	public void put(String key, Product value) {
		this.commands.set(key(key), this.json.writeValueAsBytes(value), TTL);
	}

	@Override
	public Product get(String key, Callable<Product> loader) throws Exception {
		Product cached = get(key);
		if (cached != null) {
			return cached;
		}
		Product loaded = loader.call();
		put(key, loaded);
		return loaded;
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
