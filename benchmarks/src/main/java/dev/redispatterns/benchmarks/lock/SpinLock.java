package dev.redispatterns.benchmarks.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.RawClient;
import dev.redispatterns.core.internal.LuaScript;

/**
 * The floor of a lock: {@code SET name token NX PX 30000} to acquire (retried at once, without sleeping,
 * while another holder has it) and a compare-and-delete {@code EVALSHA} to release — two round trips per
 * cycle, the least a safe lock can do. Busy spinning is what no real lock should do; it is here only as the
 * limit.
 */
public final class SpinLock implements LockSubject {

	private static final LuaScript COMPARE_AND_DELETE = LuaScript.load(SpinLock.class, "compare_and_delete.lua");

	private static final long LEASE_MILLIS = 30_000;

	private final RawClient client;

	private final String releaseSha;

	private final String owner = UUID.randomUUID().toString();

	public SpinLock(RawClient client) {
		this.client = client;
		this.releaseSha = client.load(COMPARE_AND_DELETE);
	}

	/** On one shared Lettuce connection. */
	public static SpinLock lettuce(CellContext context) {
		return new SpinLock(RawClient.lettuce(context));
	}

	/** On a Jedis pool, a connection borrowed per command. */
	public static SpinLock jedis(CellContext context) {
		return new SpinLock(RawClient.jedis(context));
	}

	@Override
	public @Nullable Object acquire(String name, Duration maxWait) {
		byte[] key = name.getBytes(StandardCharsets.UTF_8);
		byte[] token = (this.owner + ":" + Thread.currentThread().getId() + ":" + System.nanoTime())
			.getBytes(StandardCharsets.UTF_8);
		long deadline = System.nanoTime() + maxWait.toNanos();
		do {
			if (this.client.setIfAbsent(key, token, LEASE_MILLIS)) {
				return new Held(key, token);
			}
		}
		while (System.nanoTime() < deadline);
		return null;
	}

	@Override
	public void release(Object handle) {
		Held held = (Held) handle;
		this.client.evalshaForLong(this.releaseSha, held.key(), held.token());
	}

	@Override
	public void close() {
		this.client.close();
	}

	private record Held(byte[] key, byte[] token) {
	}

}
