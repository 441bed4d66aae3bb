package dev.redispatterns.structures;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ReturnType;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.structures.StructuresListener.Structure;

/**
 * Atomic counters that expire: page views of the day, API calls in a quota window. A counter is a
 * {@code name} (a family configured once, e.g. {@code "page-views"}) plus an {@code id} (e.g. a page);
 * every increment is one round trip that also keeps the counter's time to live, so counters never
 * outlive their purpose. For counts that must end up in a database, see {@link WriteBehindCounters}.
 */
public final class Counters {

	private static final LuaScript INCREMENT = LuaScript.load(Counters.class, "ctr_incr.lua");

	private static final byte[] NO_LIMIT = new byte[0];

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final RedisKeys keys;

	private final Map<String, CounterPolicy> counters;

	private final CounterPolicy defaults;

	private final StructuresListener listener;

	public Counters(RedisConnector connector, ScriptExecutor scripts, RedisKeys keys, Map<String, CounterPolicy> counters,
			CounterPolicy defaults, StructuresListener listener) {
		this.connector = connector;
		this.scripts = scripts;
		this.keys = keys;
		this.counters = Map.copyOf(counters);
		this.defaults = defaults;
		this.listener = listener;
	}

	/** Default settings for every counter, no metrics. */
	public Counters(RedisConnector connector, ScriptExecutor scripts, RedisKeys keys) {
		this(connector, scripts, keys, Map.of(), CounterPolicy.defaults(), StructuresListener.NONE);
	}

	/** Adds one; returns the new value. */
	public long increment(String name, String id) {
		return increment(name, id, 1);
	}

	/** Adds {@code delta} (which may be negative); returns the new value. */
	public long increment(String name, String id, long delta) {
		return timed(name, "increment", () -> run(name, id, delta, NO_LIMIT).value());
	}

	/**
	 * Adds {@code delta} only if the result stays at or below {@code limit}, atomically: a quota that
	 * concurrent callers cannot overshoot.
	 */
	public CounterUpdate incrementWithin(String name, String id, long delta, long limit) {
		return timed(name, "increment-within", () -> run(name, id, delta, ScriptExecutor.arg(limit)));
	}

	/** The current value; 0 if the counter does not exist (or expired). */
	public long get(String name, String id) {
		return timed(name, "get", () -> {
			byte[] value = this.connector.await(this.connector.commands().get(key(name, id)));
			return (value != null) ? Long.parseLong(new String(value, StandardCharsets.US_ASCII)) : 0L;
		});
	}

	/** Deletes a counter; {@code true} if it existed. */
	public boolean delete(String name, String id) {
		return timed(name, "delete", () -> this.connector.await(this.connector.commands().unlink(key(name, id))) > 0);
	}

	public CounterPolicy settings(String name) {
		return this.counters.getOrDefault(name, this.defaults);
	}

	private CounterUpdate run(String name, String id, long delta, byte[] limit) {
		CounterPolicy settings = settings(name);
		List<Long> reply = this.scripts.call(INCREMENT, ReturnType.MULTI, new byte[][] { key(name, id) },
				ScriptExecutor.arg(delta), ScriptExecutor.arg(settings.timeToLive().toMillis()),
				ScriptExecutor.arg(settings.sliding() ? "1" : "0"), limit);
		return new CounterUpdate(reply.get(0) == 1L, reply.get(1));
	}

	private byte[] key(String name, String id) {
		StructureNames.check("counter", name);
		return this.keys.key("ctr", name, id).getBytes(StandardCharsets.UTF_8);
	}

	private <T> T timed(String name, String operation, Supplier<T> action) {
		return TimedOperations.timed(this.listener, Structure.COUNTER, name, operation, action);
	}

}
