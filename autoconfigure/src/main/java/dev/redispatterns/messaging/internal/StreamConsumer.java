package dev.redispatterns.messaging.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.MessagingListener;
import dev.redispatterns.messaging.PoisonMessageException;
import dev.redispatterns.messaging.StreamPolicy;

import static dev.redispatterns.messaging.internal.ConsumerLoop.bytes;
import static dev.redispatterns.messaging.internal.ConsumerLoop.string;

/**
 * One consumer of a stream's consumer group: a reader thread with a dedicated connection for the blocking
 * {@code XREADGROUP}, and {@code concurrency} handler threads. Runs without Spring:
 * <pre class="code">
 * StreamConsumer consumer = new StreamConsumer(connector, scripts, keys, StreamPolicy.defaults("orders"),
 * 		"billing", ConsumerNames.next(), (payload, delivery) -&gt; bill(payload), MessagingListener.NONE);
 * consumer.start();
 * </pre>
 * <ul>
 * <li>At least once: an entry is acknowledged ({@code XACK}) only after its handler returned; an entry
 * whose handler threw stays pending and is delivered again.</li>
 * <li>Leases: the consumer renews the idle time of the entries it holds (without counting a delivery), so
 * only entries of consumers that stopped renewing them — dead, frozen or cut off — become older than
 * {@code reclaimAfter}; live consumers then claim them ({@code XAUTOCLAIM}). A slow handler is therefore
 * not mistaken for a dead one.</li>
 * <li>Dead letters: a failure on the last allowed delivery (or an entry claimed after that many
 * deliveries) moves the entry to the dead-letter stream and acknowledges it, atomically.</li>
 * <li>Bounded memory: the reader never holds more than {@link StreamPolicy#capacity()} entries.</li>
 * <li>Graceful stop: reading stops, running handlers finish (up to the shutdown timeout), entries read but
 * not finished are handed back for others to claim at once.</li>
 * </ul>
 */
public final class StreamConsumer {

	private static final Log logger = LogFactory.getLog(StreamConsumer.class);

	private static final LuaScript RECLAIM = LuaScript.load(Delivery.class, "stream_reclaim.lua");

	private static final LuaScript TOUCH = LuaScript.load(Delivery.class, "stream_touch.lua");

	private static final LuaScript PRUNE = LuaScript.load(Delivery.class, "stream_prune.lua");

	private static final LuaScript GROUP = LuaScript.load(Delivery.class, "stream_group.lua");

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final StreamPolicy settings;

	private final String name;

	private final String group;

	private final String consumerName;

	private final MessageHandler handler;

	private final MessagingListener listener;

	private final byte[] key;

	private final byte[] deadLetterKey;

	private final byte[] groupBytes;

	private final byte[] consumerBytes;

	private final long pollNanos;

	private final long tickNanos;

	private final long statsNanos;

	private final long pruneNanos;

	private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

	private final Set<String> unstarted = ConcurrentHashMap.newKeySet();

	/** Ids being handled here that another client deleted from the stream: they cannot be delivered again. */
	private final Set<String> deletedWhileHeld = ConcurrentHashMap.newKeySet();

	private final StreamAcknowledgements acknowledgements;

	private final StreamDeadLetters deadLetters;

	private final ConsumerLoop loop;

	private String reclaimCursor = "0-0";

	private long nextTick;

	private long nextStats;

	private long nextPrune;

	public StreamConsumer(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, StreamPolicy settings,
			String group, String consumerName, MessageHandler handler, MessagingListener listener) {
		this.connector = connector;
		this.scripts = scripts;
		this.settings = settings;
		this.name = settings.name();
		this.group = group;
		this.consumerName = consumerName;
		this.handler = handler;
		this.listener = listener;
		this.key = bytes(keys.stream(this.name));
		this.deadLetterKey = bytes(keys.streamDeadLetter(this.name));
		this.groupBytes = bytes(group);
		this.consumerBytes = bytes(consumerName);
		this.pollNanos = settings.pollTimeout().toNanos();
		this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), settings.reclaimAfter().toNanos() / 3);
		this.statsNanos = Math.min(TimeUnit.SECONDS.toNanos(10), Math.max(TimeUnit.SECONDS.toNanos(1), this.tickNanos));
		this.pruneNanos = Math.max(this.tickNanos, settings.staleConsumerTimeout().toNanos() / 2);
		this.acknowledgements = new StreamAcknowledgements(connector, this.key, this.groupBytes, this.name);
		this.deadLetters = new StreamDeadLetters(scripts, this.name, group, listener, this.key, this.deadLetterKey,
				this.groupBytes, this.consumerBytes, settings.deadLetterMaxLength());
		this.loop = new ConsumerLoop(connector, logger, "stream-" + this.name + "-" + group, settings.pollTimeout(),
				settings.shutdownTimeout(), "Reading stream '" + this.name + "' for group '" + group + "'",
				"Handlers of stream '" + this.name + "' group '" + group + "' did not finish within "
						+ settings.shutdownTimeout() + "; their entries stay pending and will be reclaimed",
				this::readOnce, this::recover);
	}

	public String consumerName() {
		return this.consumerName;
	}

	public StreamPolicy settings() {
		return this.settings;
	}

	public String group() {
		return this.group;
	}

	public boolean isRunning() {
		return this.loop.isRunning();
	}

	/**
	 * Creates the group if it is missing ({@code MKSTREAM}) and starts reading. When Redis cannot be reached
	 * the consumer keeps trying in the background instead of failing.
	 */
	public void start() {
		this.loop.start(this.settings.concurrency(), this.settings.capacity(), () -> {
			try {
				ensureGroup();
			}
			catch (RedisPatternsException ex) {
				logger.warn("Cannot create consumer group '" + this.group + "' on stream '" + this.name
						+ "' now, the consumer keeps trying: " + ex.getMessage());
			}
			long now = System.nanoTime();
			this.nextTick = now;
			this.nextStats = now;
			this.nextPrune = now;
		});
	}

	/**
	 * Stops reading, lets running handlers finish for at most the shutdown timeout (then interrupts them;
	 * their entries stay pending), hands the entries it still holds back so other consumers claim them at
	 * once, and leaves the group if it owns nothing.
	 */
	public void stop() {
		this.loop.stop(this::handBack);
	}

	private void handBack() {
		try {
			this.acknowledgements.awaitAll();
			// entries not started, and those of handlers that did not finish, go back to the group at once
			this.unstarted.addAll(this.inFlight);
			if (!this.unstarted.isEmpty()) {
				touch(this.unstarted, this.settings.reclaimAfter().toMillis() + 1000);
			}
			this.scripts.call(PRUNE, ReturnType.INTEGER, new byte[][] { this.key }, this.groupBytes,
					ScriptExecutor.arg(0), this.consumerBytes);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not tidy up consumer " + this.consumerName + " of stream '" + this.name + "'", ex);
		}
	}

	/** A read failed: when Redis lost the group (restart without persistence), it is created again. */
	private void recover(RuntimeException failure) {
		if (!isNoGroup(failure)) {
			throw failure;
		}
		logger.info("Consumer group '" + this.group + "' of stream '" + this.name
				+ "' is missing (Redis lost its data?); creating it again");
		ensureGroup();
	}

	private void readOnce(DedicatedConnection open) throws InterruptedException {
		long now = System.nanoTime();
		if (now - this.nextTick >= 0) {
			tick(now);
			this.nextTick = System.nanoTime() + this.tickNanos;
		}
		Workers current = this.loop.workers();
		int permits = current.acquire(this.settings.batchSize(), Math.min(this.pollNanos, untilTick()));
		if (permits == 0) {
			return;
		}
		int used = 0;
		try {
			long blockMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(this.pollNanos, untilTick())));
			List<DedicatedConnection.Entry> entries = open.xreadgroup(this.key, this.groupBytes, this.consumerBytes,
					permits, blockMillis);
			for (DedicatedConnection.Entry entry : entries) {
				used++;
				dispatch(entry.id(), entry.payload(), entry::headers, 1);
			}
		}
		finally {
			current.release(permits - used);
		}
	}

	private long untilTick() {
		return Math.max(TimeUnit.MILLISECONDS.toNanos(1), this.nextTick - System.nanoTime());
	}

	/** Periodic work between reads: renew leases, reclaim, sample the group state, prune dead consumers. */
	private void tick(long now) {
		if (!this.inFlight.isEmpty()) {
			touch(this.inFlight, 0);
		}
		reclaim();
		if (now - this.nextStats >= 0) {
			this.nextStats = now + this.statsNanos;
			sampleState();
		}
		if (now - this.nextPrune >= 0) {
			this.nextPrune = now + this.pruneNanos;
			this.scripts.call(PRUNE, ReturnType.INTEGER, new byte[][] { this.key }, this.groupBytes,
					ScriptExecutor.arg(this.settings.staleConsumerTimeout().toMillis()), new byte[0]);
		}
	}

	private void touch(Set<String> ids, long idleMillis) {
		List<String> snapshot = new ArrayList<>(ids);
		for (int from = 0; from < snapshot.size(); from += 500) {
			List<String> chunk = snapshot.subList(from, Math.min(snapshot.size(), from + 500));
			byte[][] args = new byte[3 + chunk.size()][];
			args[0] = this.groupBytes;
			args[1] = this.consumerBytes;
			args[2] = ScriptExecutor.arg(idleMillis);
			for (int i = 0; i < chunk.size(); i++) {
				args[3 + i] = bytes(chunk.get(i));
			}
			List<Object> vanished = this.scripts.call(TOUCH, ReturnType.MULTI, new byte[][] { this.key }, args);
			if (!vanished.isEmpty()) {
				for (Object gone : vanished) {
					String id = string(gone);
					this.deletedWhileHeld.add(id);
					if (!this.inFlight.contains(id)) {
						this.deletedWhileHeld.remove(id);
					}
				}
				this.deadLetters.deleted(vanished, "while this consumer held them; should a handler fail, its entry is "
						+ "dead-lettered with its payload, as it cannot be delivered again");
			}
		}
	}

	private void reclaim() {
		Workers current = this.loop.workers();
		int permits = current.tryAcquire(this.settings.batchSize());
		if (permits == 0) {
			return;
		}
		int used = 0;
		try {
			List<Object> reply = this.scripts.call(RECLAIM, ReturnType.MULTI,
					new byte[][] { this.key, this.deadLetterKey }, this.groupBytes, this.consumerBytes,
					ScriptExecutor.arg(this.settings.reclaimAfter().toMillis()), bytes(this.reclaimCursor),
					ScriptExecutor.arg(permits), ScriptExecutor.arg(this.settings.deadLetterMaxLength()));
			this.reclaimCursor = string(reply.get(0));
			if (reply.size() > 2 && reply.get(2) instanceof List<?> deleted && !deleted.isEmpty()) {
				this.deadLetters.deleted(deleted,
						"before they were acknowledged; recorded without payload in the dead-letter stream");
			}
			int reclaimed = 0;
			for (Object item : (List<?>) reply.get(1)) {
				List<?> entry = (List<?>) item;
				String id = string(entry.get(0));
				long deliveries = ((Number) entry.get(2)).longValue();
				if (this.inFlight.contains(id)) {
					// still being handled here: claiming it only renewed the lease
					continue;
				}
				reclaimed++;
				if (deliveries > this.settings.maxDeliveries()) {
					this.deadLetters.deadLetter(id, deliveries, "Delivered " + deliveries
							+ " times without being acknowledged (its consumers died or hung while handling it)", null);
					continue;
				}
				used++;
				List<?> fields = (List<?>) entry.get(1);
				dispatch(id, DedicatedConnection.Entry.payload(fields), () -> DedicatedConnection.Entry.headers(fields),
						deliveries);
			}
			if (reclaimed > 0) {
				this.listener.onStreamReclaimed(this.name, this.group, reclaimed);
			}
		}
		finally {
			current.release(permits - used);
		}
	}

	private void dispatch(String id, byte @Nullable [] payload, Supplier<Map<String, String>> headers,
			long deliveries) {
		this.inFlight.add(id);
		if (!this.loop.submit(() -> handle(id, payload, headers, deliveries))) {
			this.inFlight.remove(id);
			this.unstarted.add(id);
		}
	}

	private void handle(String id, byte @Nullable [] payload, Supplier<Map<String, String>> headers,
			long deliveries) {
		try {
			if (this.loop.isStopping()) {
				this.unstarted.add(id);
				return;
			}
			this.listener.onStreamReceived(this.name, this.group);
			long start = System.nanoTime();
			Throwable failure = null;
			try {
				if (payload == null) {
					throw new PoisonMessageException("Entry " + id + " has no '" + new String(DedicatedConnection.PAYLOAD,
							StandardCharsets.US_ASCII) + "' field");
				}
				ObservedMessageHandler.handle(this.handler, payload,
						new Delivery(this.name, this.group, id, deliveries), headers);
			}
			catch (VirtualMachineError error) {
				throw error;
			}
			catch (Throwable ex) {
				failure = ex;
			}
			this.listener.onStreamHandled(this.name, this.group, System.nanoTime() - start, failure == null);
			if (failure == null) {
				this.acknowledgements.acknowledge(id);
			}
			else if (this.deletedWhileHeld.remove(id)) {
				logger.warn("Handler of stream '" + this.name + "' group '" + this.group + "' failed on entry " + id
						+ ", which was deleted from the stream meanwhile and cannot be delivered again; moving it "
						+ "to the dead-letter stream", failure);
				this.deadLetters.deadLetter(id, deliveries, ConsumerLoop.describe(failure),
						(payload != null) ? payload : new byte[0]);
			}
			else {
				failed(id, deliveries, failure);
			}
		}
		finally {
			this.deletedWhileHeld.remove(id);
			this.inFlight.remove(id);
		}
	}

	private void failed(String id, long deliveries, Throwable failure) {
		boolean poison = ConsumerLoop.isPoison(failure);
		if (poison || deliveries >= this.settings.maxDeliveries()) {
			logger.warn("Handler of stream '" + this.name + "' group '" + this.group + "' failed on entry " + id
					+ (poison ? " (poison message)" : " for the last allowed time (delivery " + deliveries + ")")
					+ "; moving it to the dead-letter stream", failure);
			this.deadLetters.deadLetter(id, deliveries, ConsumerLoop.describe(failure), null);
		}
		else {
			logger.warn("Handler of stream '" + this.name + "' group '" + this.group + "' failed on entry " + id
					+ " (delivery " + deliveries + " of " + this.settings.maxDeliveries()
					+ "); it stays pending and is delivered again after " + this.settings.reclaimAfter(), failure);
		}
	}

	private void ensureGroup() {
		String offset = (this.settings.start() == StreamPolicy.Start.EARLIEST) ? "0" : "$";
		this.scripts.call(GROUP, ReturnType.INTEGER, new byte[][] { this.key }, this.groupBytes, bytes(offset));
	}

	private void sampleState() {
		List<Map<String, @Nullable Object>> groups = this.connector.await(this.connector.commands().xinfoGroups(this.key));
		for (Map<String, @Nullable Object> info : groups) {
			if (this.group.equals(string(info.get("name")))) {
				long pending = (info.get("pending") instanceof Number number) ? number.longValue() : 0;
				long lag = (info.get("lag") instanceof Number number) ? number.longValue() : -1;
				this.listener.onStreamGroupState(this.name, this.group, pending, lag);
				return;
			}
		}
	}

	private static boolean isNoGroup(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			String message = String.valueOf(current.getMessage());
			if (message.contains("NOGROUP") || message.contains("no such key")) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

}
