package dev.redispatterns.structures;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.structures.StructuresListener.Structure;

/**
 * A counter whose increments land in Redis at once (one round trip, atomic across instances) and reach
 * the source of truth in batches, through a {@link CounterSink}, every flush interval and when the
 * application stops.
 * <p>
 * Nothing is held in the JVM: pending deltas live in a Redis hash, so a crashed instance loses nothing
 * that Redis kept. A flush renames the pending hash into an in-flight batch (atomically, so increments
 * arriving meanwhile go to a new pending hash), hands it to the sink, and deletes it when the sink
 * returns. A batch whose sink failed, or whose instance died mid-flush, is handed out again with the same
 * id: delivery is at least once, and exactly once for a sink that records batch ids.
 */
public final class WriteBehindCounter {

	private static final Log logger = LogFactory.getLog(WriteBehindCounter.class);

	private static final LuaScript ADD = LuaScript.load(WriteBehindCounter.class, "wb_add.lua");

	private static final LuaScript PENDING = LuaScript.load(WriteBehindCounter.class, "wb_pending.lua");

	private static final LuaScript CLAIM = LuaScript.load(WriteBehindCounter.class, "wb_claim.lua");

	private static final LuaScript ACK = LuaScript.load(WriteBehindCounter.class, "wb_ack.lua");

	private static final LuaScript RELEASE = LuaScript.load(WriteBehindCounter.class, "wb_release.lua");

	private final WriteBehindCounters owner;

	private final String name;

	private final WriteBehindPolicy settings;

	private final CounterSink sink;

	private final byte[] pending;

	private final byte[] inflight;

	private final byte[] batch;

	private final byte[] retention;

	private final ReentrantLock flushLock = new ReentrantLock();

	WriteBehindCounter(WriteBehindCounters owner, String name, RedisKeys.SlotGroup keys, WriteBehindPolicy settings,
			CounterSink sink) {
		this.owner = owner;
		this.name = name;
		this.settings = settings;
		this.sink = sink;
		this.pending = bytes(keys.key("pending"));
		this.inflight = bytes(keys.key("inflight"));
		this.batch = bytes(keys.key("batch"));
		this.retention = ScriptExecutor.arg(settings.retention().toMillis());
	}

	public String name() {
		return this.name;
	}

	public WriteBehindPolicy settings() {
		return this.settings;
	}

	/** Adds one to {@code id}; returns its delta not yet flushed. */
	public long increment(String id) {
		return increment(id, 1);
	}

	/** Adds {@code delta} to {@code id}; returns its delta not yet flushed. */
	public long increment(String id, long delta) {
		return timed("increment", () -> this.owner.scripts.<Long>call(ADD, ReturnType.INTEGER,
				new byte[][] { this.pending }, bytes(id), ScriptExecutor.arg(delta), this.retention));
	}

	/** The delta of {@code id} that the sink has not acknowledged yet (pending plus in flight). */
	public long pending(String id) {
		return timed("pending", () -> this.owner.scripts.<Long>call(PENDING, ReturnType.INTEGER,
				new byte[][] { this.pending, this.inflight }, bytes(id)));
	}

	/**
	 * Flushes one batch now: the batch left by a failed flush if there is one, else the pending deltas.
	 * @return what happened
	 */
	public FlushResult flush() {
		this.flushLock.lock();
		try {
			return flushOnce();
		}
		finally {
			this.flushLock.unlock();
		}
	}

	/** Flushes batches until none is left, one fails or another instance holds the batch, or the deadline. */
	FlushResult drain(long deadlineNanos) {
		FlushResult result;
		do {
			result = flush();
		}
		while (result == FlushResult.FLUSHED && System.nanoTime() - deadlineNanos < 0);
		return result;
	}

	private FlushResult flushOnce() {
		byte[][] keys = { this.pending, this.inflight, this.batch };
		List<Object> reply = this.owner.scripts.call(CLAIM, ReturnType.MULTI, keys,
				ScriptExecutor.arg(UUID.randomUUID().toString()), this.owner.flusherId,
				ScriptExecutor.arg(this.settings.leaseTime().toMillis()), this.retention);
		String status = text((byte[]) reply.get(0));
		if ("empty".equals(status)) {
			return FlushResult.EMPTY;
		}
		if ("busy".equals(status)) {
			return FlushResult.BUSY;
		}
		String batchId = text((byte[]) reply.get(1));
		int attempt = ((Long) reply.get(2)).intValue();
		Map<String, Long> deltas = deltas(reply.get(3));
		long start = System.nanoTime();
		if (!deltas.isEmpty()) {
			try {
				this.sink.flush(new CounterBatch(this.name, batchId, attempt, deltas));
			}
			catch (Exception ex) {
				this.owner.listener.onFlushed(this.name, deltas.size(), System.nanoTime() - start, true);
				logger.warn("Write-behind counter '" + this.name + "': the sink failed on batch " + batchId + " (attempt "
						+ attempt + "); it stays in Redis and is retried", ex);
				release(batchId);
				return FlushResult.FAILED;
			}
		}
		this.owner.scripts.<Long>call(ACK, ReturnType.INTEGER, new byte[][] { this.inflight, this.batch },
				bytes(batchId));
		this.owner.listener.onFlushed(this.name, deltas.size(), System.nanoTime() - start, false);
		return FlushResult.FLUSHED;
	}

	private void release(String batchId) {
		try {
			this.owner.scripts.<Long>call(RELEASE, ReturnType.INTEGER, new byte[][] { this.batch },
					bytes(batchId), this.owner.flusherId);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not release a write-behind batch; its lease will run out", ex);
		}
	}

	private static Map<String, Long> deltas(Object fields) {
		@SuppressWarnings("unchecked")
		List<byte[]> values = (List<byte[]>) fields;
		Map<String, Long> deltas = new LinkedHashMap<>(values.size());
		for (int i = 0; i + 1 < values.size(); i += 2) {
			long delta = Long.parseLong(text(values.get(i + 1)));
			if (delta != 0) {
				deltas.put(new String(values.get(i), StandardCharsets.UTF_8), delta);
			}
		}
		return deltas;
	}

	private long timed(String operation, Supplier<Long> action) {
		return TimedOperations.timed(this.owner.listener, Structure.WRITE_BEHIND, this.name, operation, action);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/** Outcome of one flush. */
	public enum FlushResult {

		/** Nothing was pending. */
		EMPTY,

		/** Another instance is flushing this counter's batch right now. */
		BUSY,

		/** A batch reached the sink and was acknowledged. */
		FLUSHED,

		/** The sink threw; the batch stays in Redis and is retried. */
		FAILED

	}

}
