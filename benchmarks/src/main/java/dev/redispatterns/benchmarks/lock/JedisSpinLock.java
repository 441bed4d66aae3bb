package dev.redispatterns.benchmarks.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;
import dev.redispatterns.core.internal.LuaScript;

/**
 * The Jedis floor of a lock, {@link LettuceSpinLock}'s commands on Jedis: {@code SET name token NX PX 30000}
 * (retried at once while another holder has it) and a compare-and-delete {@code EVALSHA}, each on a
 * connection borrowed from a pool of {@link Clients#JEDIS_POOL_SIZE}.
 */
public final class JedisSpinLock implements LockSubject {

	private static final LuaScript COMPARE_AND_DELETE = LuaScript.load(LettuceSpinLock.class, "compare_and_delete.lua");

	private static final SetParams ACQUIRE = SetParams.setParams().nx().px(30_000);

	private final JedisPool pool;

	private final byte[] releaseSha;

	private final String owner = UUID.randomUUID().toString();

	public JedisSpinLock(CellContext context) {
		this.pool = Clients.jedisPool(context);
		try (Jedis jedis = this.pool.getResource()) {
			this.releaseSha = jedis.scriptLoad(COMPARE_AND_DELETE.source().getBytes(StandardCharsets.UTF_8));
		}
	}

	@Override
	public @Nullable Object acquire(String name, Duration maxWait) {
		byte[] key = name.getBytes(StandardCharsets.UTF_8);
		byte[] token = (this.owner + ":" + Thread.currentThread().getId() + ":" + System.nanoTime())
			.getBytes(StandardCharsets.UTF_8);
		long deadline = System.nanoTime() + maxWait.toNanos();
		do {
			try (Jedis jedis = this.pool.getResource()) {
				if ("OK".equals(jedis.set(key, token, ACQUIRE))) {
					return new Held(key, token);
				}
			}
		}
		while (System.nanoTime() < deadline);
		return null;
	}

	@Override
	public void release(Object handle) {
		Held held = (Held) handle;
		try (Jedis jedis = this.pool.getResource()) {
			jedis.evalsha(this.releaseSha, List.of(held.key()), List.of(held.token()));
		}
	}

	@Override
	public void close() {
		this.pool.close();
	}

	private record Held(byte[] key, byte[] token) {
	}

}
