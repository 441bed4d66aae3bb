package dev.redispatterns.benchmarks.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;
import dev.redispatterns.core.internal.LuaScript;

/**
 * The floor: {@code SET name token NX PX 30000} to acquire (retried at once, without sleeping, while
 * another holder has it) and a compare-and-delete {@code EVALSHA} to release — two round trips per cycle,
 * the least a safe lock can do. Busy spinning is what no real lock should do; it is here only as the limit.
 */
public final class LettuceSpinLock implements LockSubject {

	private static final LuaScript COMPARE_AND_DELETE = LuaScript.load(LettuceSpinLock.class, "compare_and_delete.lua");

	private static final SetArgs ACQUIRE = SetArgs.Builder.nx().px(30_000);

	private final RedisClient client;

	private final StatefulRedisConnection<byte[], byte[]> connection;

	private final RedisCommands<byte[], byte[]> commands;

	private final String releaseSha;

	private final String owner = UUID.randomUUID().toString();

	public LettuceSpinLock(CellContext context) {
		this.client = Clients.lettuce(context);
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.commands = this.connection.sync();
		this.releaseSha = this.commands.scriptLoad(COMPARE_AND_DELETE.source().getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public @Nullable Object acquire(String name, Duration maxWait) {
		byte[] key = name.getBytes(StandardCharsets.UTF_8);
		byte[] token = (this.owner + ":" + Thread.currentThread().getId() + ":" + System.nanoTime())
			.getBytes(StandardCharsets.UTF_8);
		long deadline = System.nanoTime() + maxWait.toNanos();
		do {
			if ("OK".equals(this.commands.set(key, token, ACQUIRE))) {
				return new Held(key, token);
			}
		}
		while (System.nanoTime() < deadline);
		return null;
	}

	@Override
	public void release(Object handle) {
		Held held = (Held) handle;
		this.commands.evalsha(this.releaseSha, ScriptOutputType.INTEGER, new byte[][] { held.key() }, held.token());
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

	private record Held(byte[] key, byte[] token) {
	}

}
