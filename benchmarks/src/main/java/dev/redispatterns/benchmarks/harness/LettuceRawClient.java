package dev.redispatterns.benchmarks.harness;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

/** {@link RawClient} on one Lettuce connection shared by all client threads. */
final class LettuceRawClient implements RawClient {

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final RedisCommands<byte[], byte[]> commands;

	LettuceRawClient(RedisClient client) {
		this.client = client;
		this.connection = client.connect(ByteArrayCodec.INSTANCE);
		this.commands = this.connection.sync();
	}

	@Override
	public byte @Nullable [] get(byte[] key) {
		return this.commands.get(key);
	}

	@Override
	public void set(byte[] key, byte[] value, long ttlMillis) {
		this.commands.set(key, value, SetArgs.Builder.px(ttlMillis));
	}

	@Override
	public boolean setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		return "OK".equals(this.commands.set(key, value, SetArgs.Builder.nx().px(ttlMillis)));
	}

	@Override
	public String scriptLoad(String source) {
		return this.commands.scriptLoad(source.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public List<?> evalshaForList(String sha, byte[] key, byte[]... args) {
		List<Object> reply = this.commands.evalsha(sha, ScriptOutputType.MULTI, new byte[][] { key }, args);
		return reply;
	}

	@Override
	public long evalshaForLong(String sha, byte[] key, byte[]... args) {
		Long reply = this.commands.evalsha(sha, ScriptOutputType.INTEGER, new byte[][] { key }, args);
		return reply;
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
