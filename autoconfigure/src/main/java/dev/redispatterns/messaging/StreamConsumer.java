package dev.redispatterns.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.LuaScript;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.RedisPatternsThreads;
import dev.redispatterns.core.ScriptExecutor;

/**
 * One consumer of a stream's consumer group: a reader thread with a dedicated connection for the blocking
 * {@code XREADGROUP}, and {@code concurrency} handler threads. Runs without Spring:
 * <pre class="code">
 * StreamConsumer consumer = new StreamConsumer(connector, scripts, keys, StreamSettings.defaults("orders"),
 * 		"billing", ConsumerNames.next(), (payload, delivery) -&gt; bill(payload), MessagingObserver.NONE);
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
 * <li>Bounded memory: the reader never holds more than {@link StreamSettings#capacity()} entries.</li>
 * <li>Graceful stop: reading stops, running handlers finish (up to the shutdown timeout), entries read but
 * not finished are handed back for others to claim at once.</li>
 * </ul>
 */
public final class StreamConsumer {

	private static final Log logger = LogFactory.getLog(StreamConsumer.class);

	private static final LuaScript RECLAIM = LuaScript.load(StreamConsumer.class, "stream_reclaim.lua");

	private static final LuaScript TOUCH = LuaScript.load(StreamConsumer.class, "stream_touch.lua");

	private static final LuaScript DEAD_LETTER = LuaScript.load(StreamConsumer.class, "stream_dead_letter.lua");

	private static final LuaScript PRUNE = LuaScript.load(StreamConsumer.class, "stream_prune.lua");

	private static final LuaScript GROUP = LuaScript.load(StreamConsumer.class, "stream_group.lua");

	private static final byte[] DELETED = bytes("1");

	private static final int MAX_ERROR_LENGTH = 1000;

	private static final int MAX_ACKNOWLEDGE_BATCH = 1000;

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final StreamSettings settings;

	private final String name;

	private final String group;

	private final String consumerName;

	private final MessageHandler handler;

	private final MessagingObserver observer;

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

	/** Ids whose handler returned, waiting for the next {@code XACK}. */
	private final ConcurrentLinkedQueue<String> toAcknowledge = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean acknowledging = new AtomicBoolean();

	private volatile CompletableFuture<?> lastAcknowledgement = CompletableFuture.completedFuture(null);

	private final CountDownLatch stopSignal = new CountDownLatch(1);

	private final Backoff backoff;

	private volatile boolean running;

	private volatile boolean stopping;

	private @Nullable Thread reader;

	private @Nullable Workers workers;

	private volatile @Nullable DedicatedConnection connection;

	private String reclaimCursor = "0-0";

	private long nextTick;

	private long nextStats;

	private long nextPrune;

	public StreamConsumer(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, StreamSettings settings,
			String group, String consumerName, MessageHandler handler, MessagingObserver observer) {
		this.connector = connector;
		this.scripts = scripts;
		this.settings = settings;
		this.name = settings.name();
		this.group = group;
		this.consumerName = consumerName;
		this.handler = handler;
		this.observer = observer;
		this.key = bytes(keys.stream(this.name));
		this.deadLetterKey = bytes(keys.streamDeadLetter(this.name));
		this.groupBytes = bytes(group);
		this.consumerBytes = bytes(consumerName);
		this.pollNanos = settings.pollTimeout().toNanos();
		this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), settings.reclaimAfter().toNanos() / 3);
		this.statsNanos = Math.min(TimeUnit.SECONDS.toNanos(10), Math.max(TimeUnit.SECONDS.toNanos(1), this.tickNanos));
		this.pruneNanos = Math.max(this.tickNanos, settings.staleConsumerTimeout().toNanos() / 2);
		this.backoff = new Backoff(logger, "Reading stream '" + this.name + "' for group '" + group + "'");
	}

	public String consumerName() {
		return this.consumerName;
	}

	public StreamSettings settings() {
		return this.settings;
	}

	public String group() {
		return this.group;
	}

	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Creates the group if it is missing ({@code MKSTREAM}) and starts reading. When Redis cannot be reached
	 * the consumer keeps trying in the background instead of failing.
	 */
	public synchronized void start() {
		if (this.running || this.stopping) {
			return;
		}
		this.running = true;
		String threadName = "stream-" + this.name + "-" + this.group;
		RedisPatternsThreads threads = this.connector.threads();
		this.workers = new Workers(threads.factory(threadName), this.settings.concurrency(), this.settings.capacity());
		try {
			ensureGroup();
		}
		catch (RedisPatternsException ex) {
			logger.warn("Cannot create consumer group '" + this.group + "' on stream '" + this.name
					+ "' now, the consumer keeps trying: " + ex.getMessage());
		}
		Thread thread = threads.thread(threadName + "-reader", this::read);
		this.reader = thread;
		thread.start();
	}

	/**
	 * Stops reading, lets running handlers finish for at most the shutdown timeout (then interrupts them;
	 * their entries stay pending), hands the entries it still holds back so other consumers claim them at
	 * once, and leaves the group if it owns nothing.
	 */
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopping = true;
		this.stopSignal.countDown();
		join(this.reader, this.settings.pollTimeout().plus(this.connector.commandTimeout()).plusSeconds(2));
		Workers current = this.workers;
		if (current != null && !current.shutdown(this.settings.shutdownTimeout().toNanos())) {
			logger.warn("Handlers of stream '" + this.name + "' group '" + this.group + "' did not finish within "
					+ this.settings.shutdownTimeout() + "; their entries stay pending and will be reclaimed");
		}
		try {
			awaitAcknowledgements();
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
		DedicatedConnection open = this.connection;
		this.connection = null;
		if (open != null) {
			open.close();
		}
	}

	private void read() {
		long now = System.nanoTime();
		this.nextTick = now;
		this.nextStats = now;
		this.nextPrune = now;
		while (this.running) {
			try {
				readOnce();
				this.backoff.success();
			}
			catch (InterruptedException ex) {
				if (!this.running) {
					break;
				}
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					break;
				}
				if (isNoGroup(ex)) {
					logger.info("Consumer group '" + this.group + "' of stream '" + this.name
							+ "' is missing (Redis lost its data?); creating it again");
					try {
						ensureGroup();
						continue;
					}
					catch (RuntimeException retry) {
						this.backoff.failed(retry, this.stopSignal);
						continue;
					}
				}
				this.backoff.failed(ex, this.stopSignal);
			}
		}
	}

	private void readOnce() throws InterruptedException {
		DedicatedConnection open = connection();
		long now = System.nanoTime();
		if (now - this.nextTick >= 0) {
			tick(now);
			this.nextTick = System.nanoTime() + this.tickNanos;
		}
		Workers current = this.workers;
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
				dispatch(entry.id(), payloadOf(entry.body()), () -> headersOf(entry.body()), 1);
			}
		}
		finally {
			current.release(permits - used);
		}
	}

	private long untilTick() {
		return Math.max(TimeUnit.MILLISECONDS.toNanos(1), this.nextTick - System.nanoTime());
	}

	private DedicatedConnection connection() {
		DedicatedConnection open = this.connection;
		if (open == null) {
			open = DedicatedConnection.open(this.connector,
					this.settings.pollTimeout().plus(this.connector.commandTimeout()).plusSeconds(1));
			this.connection = open;
		}
		return open;
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
				deleted(vanished, "while this consumer held them; should a handler fail, its entry is dead-lettered "
						+ "with its payload, as it cannot be delivered again");
			}
		}
	}

	private void reclaim() {
		Workers current = this.workers;
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
				deleted(deleted, "before they were acknowledged; recorded without payload in the dead-letter stream");
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
					deadLetter(id, deliveries, "Delivered " + deliveries
							+ " times without being acknowledged (its consumers died or hung while handling it)", null);
					continue;
				}
				used++;
				List<?> fields = (List<?>) entry.get(1);
				dispatch(id, payloadOf(fields), () -> headersOf(fields), deliveries);
			}
			if (reclaimed > 0) {
				this.observer.streamReclaimed(this.name, this.group, reclaimed);
			}
		}
		finally {
			current.release(permits - used);
		}
	}

	/** Pending entries found deleted from the stream, by another client: this starter's trimming keeps them. */
	private void deleted(List<?> ids, String consequence) {
		this.observer.streamDeleted(this.name, this.group, ids.size());
		List<String> shown = ids.stream().limit(10).map(StreamConsumer::string).toList();
		logger.warn(ids.size() + " entries pending for group '" + this.group + "' of stream '" + this.name
				+ "' were deleted from the stream by another client " + consequence + ": " + shown
				+ ((ids.size() > shown.size()) ? " and more" : ""));
	}

	private void dispatch(String id, byte @Nullable [] payload, Supplier<Map<String, String>> headers,
			long deliveries) {
		Workers current = this.workers;
		this.inFlight.add(id);
		try {
			current.submit(() -> handle(id, payload, headers, deliveries));
		}
		catch (RejectedExecutionException ex) {
			this.inFlight.remove(id);
			this.unstarted.add(id);
			current.release(1);
		}
	}

	private void handle(String id, byte @Nullable [] payload, Supplier<Map<String, String>> headers,
			long deliveries) {
		try {
			if (this.stopping) {
				this.unstarted.add(id);
				return;
			}
			this.observer.streamReceived(this.name, this.group);
			long start = System.nanoTime();
			Throwable failure = null;
			try {
				if (payload == null) {
					throw new PoisonMessageException("Entry " + id + " has no '" + new String(StreamPublisher.PAYLOAD,
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
			this.observer.streamHandled(this.name, this.group, System.nanoTime() - start, failure == null);
			if (failure == null) {
				acknowledge(id);
			}
			else if (this.deletedWhileHeld.remove(id)) {
				logger.warn("Handler of stream '" + this.name + "' group '" + this.group + "' failed on entry " + id
						+ ", which was deleted from the stream meanwhile and cannot be delivered again; moving it "
						+ "to the dead-letter stream", failure);
				deadLetter(id, deliveries, describe(failure), (payload != null) ? payload : new byte[0]);
			}
			else {
				failed(id, deliveries, failure);
			}
		}
		finally {
			this.deletedWhileHeld.remove(id);
			this.inFlight.remove(id);
			this.workers.release(1);
		}
	}

	private void acknowledge(String id) {
		this.toAcknowledge.add(id);
		flushAcknowledgements();
	}

	/**
	 * Sends one {@code XACK} at a time, with every id that finished meanwhile: at low load each entry is
	 * acknowledged at once, under load many share one command.
	 */
	private void flushAcknowledgements() {
		while (!this.toAcknowledge.isEmpty() && this.acknowledging.compareAndSet(false, true)) {
			List<String> ids = new ArrayList<>();
			String id;
			while (ids.size() < MAX_ACKNOWLEDGE_BATCH && (id = this.toAcknowledge.poll()) != null) {
				ids.add(id);
			}
			if (ids.isEmpty()) {
				this.acknowledging.set(false);
				continue;
			}
			CompletableFuture<Long> ack;
			try {
				ack = this.connector.commands().xack(this.key, this.groupBytes, ids.toArray(new String[0]));
			}
			catch (RuntimeException ex) {
				this.acknowledging.set(false);
				logger.debug("Cannot acknowledge " + ids.size() + " entries of stream '" + this.name
						+ "' now; they stay pending and are delivered again", ex);
				return;
			}
			this.lastAcknowledgement = ack;
			if (ack.isDone()) {
				// answered on this thread (portable mode): loop rather than recurse for the next batch
				acknowledged(ids, failureOf(ack));
				continue;
			}
			ack.whenComplete((count, failure) -> {
				acknowledged(ids, failure);
				flushAcknowledgements();
			});
			return;
		}
	}

	private static @Nullable Throwable failureOf(CompletableFuture<?> done) {
		try {
			done.getNow(null);
			return null;
		}
		catch (CompletionException | CancellationException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

	private void acknowledged(List<String> ids, @Nullable Throwable failure) {
		if (failure != null && logger.isDebugEnabled()) {
			logger.debug("Acknowledging " + ids.size() + " entries of stream '" + this.name
					+ "' failed; they stay pending and are delivered again", failure);
		}
		this.acknowledging.set(false);
	}

	private void failed(String id, long deliveries, Throwable failure) {
		boolean poison = isPoison(failure);
		if (poison || deliveries >= this.settings.maxDeliveries()) {
			logger.warn("Handler of stream '" + this.name + "' group '" + this.group + "' failed on entry " + id
					+ (poison ? " (poison message)" : " for the last allowed time (delivery " + deliveries + ")")
					+ "; moving it to the dead-letter stream", failure);
			deadLetter(id, deliveries, describe(failure), null);
		}
		else {
			logger.warn("Handler of stream '" + this.name + "' group '" + this.group + "' failed on entry " + id
					+ " (delivery " + deliveries + " of " + this.settings.maxDeliveries()
					+ "); it stays pending and is delivered again after " + this.settings.reclaimAfter(), failure);
		}
	}

	/**
	 * Moves a pending entry to the dead-letter stream; {@code deletedPayload} (or an empty array for an entry
	 * without payload) marks an entry deleted from the stream while it was handled, recorded from memory.
	 */
	private void deadLetter(String id, long deliveries, String error, byte @Nullable [] deletedPayload) {
		try {
			byte[][] args = { this.groupBytes, bytes(id), this.consumerBytes, ScriptExecutor.arg(deliveries),
					bytes(error), ScriptExecutor.arg(this.settings.deadLetterMaxLength()) };
			if (deletedPayload != null) {
				args = Arrays.copyOf(args, (deletedPayload.length > 0) ? 8 : 7);
				args[6] = DELETED;
				if (deletedPayload.length > 0) {
					args[7] = deletedPayload;
				}
			}
			Long moved = this.scripts.call(DEAD_LETTER, ReturnType.INTEGER,
					new byte[][] { this.key, this.deadLetterKey }, args);
			if (moved != null && moved == 1L) {
				this.observer.streamDeadLettered(this.name, this.group);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot move entry " + id + " of stream '" + this.name
					+ "' to the dead-letter stream now; it stays pending and is moved when reclaimed", ex);
		}
	}

	private void ensureGroup() {
		String offset = (this.settings.start() == StreamSettings.Start.EARLIEST) ? "0" : "$";
		this.scripts.call(GROUP, ReturnType.INTEGER, new byte[][] { this.key }, this.groupBytes, bytes(offset));
	}

	private void sampleState() {
		List<Map<String, @Nullable Object>> groups = this.connector.await(this.connector.commands().xinfoGroups(this.key));
		for (Map<String, @Nullable Object> info : groups) {
			if (this.group.equals(string(info.get("name")))) {
				long pending = (info.get("pending") instanceof Number number) ? number.longValue() : 0;
				long lag = (info.get("lag") instanceof Number number) ? number.longValue() : -1;
				this.observer.streamGroupState(this.name, this.group, pending, lag);
				return;
			}
		}
	}

	private void awaitAcknowledgements() {
		long deadline = System.nanoTime() + this.connector.commandTimeout().toNanos();
		while (System.nanoTime() - deadline < 0) {
			flushAcknowledgements();
			try {
				this.lastAcknowledgement.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				// failed acknowledgements leave their entries pending; they are delivered again
			}
			if (this.toAcknowledge.isEmpty() && !this.acknowledging.get()) {
				return;
			}
		}
	}

	private static void join(@Nullable Thread thread, Duration timeout) {
		if (thread == null || thread == Thread.currentThread()) {
			return;
		}
		try {
			thread.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static boolean isPoison(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof PoisonMessageException) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

	static String describe(Throwable failure) {
		String text = failure.getClass().getName() + ((failure.getMessage() != null) ? ": " + failure.getMessage() : "");
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
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

	private static byte @Nullable [] payloadOf(@Nullable Map<byte[], byte[]> body) {
		if (body == null) {
			return null;
		}
		for (Map.Entry<byte[], byte[]> field : body.entrySet()) {
			if (Arrays.equals(field.getKey(), StreamPublisher.PAYLOAD)) {
				return field.getValue();
			}
		}
		return null;
	}

	private static byte @Nullable [] payloadOf(List<?> flat) {
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			if (flat.get(i) instanceof byte[] field && Arrays.equals(field, StreamPublisher.PAYLOAD)) {
				return (byte[]) flat.get(i + 1);
			}
		}
		return null;
	}

	/** The entry's fields other than the payload: the headers its publisher stored (a trace context). */
	private static Map<String, String> headersOf(@Nullable Map<byte[], byte[]> body) {
		if (body == null || body.size() < 2) {
			return Map.of();
		}
		Map<String, String> headers = new HashMap<>();
		for (Map.Entry<byte[], byte[]> field : body.entrySet()) {
			if (!Arrays.equals(field.getKey(), StreamPublisher.PAYLOAD)) {
				headers.put(string(field.getKey()), string(field.getValue()));
			}
		}
		return headers;
	}

	private static Map<String, String> headersOf(List<?> flat) {
		if (flat.size() < 4) {
			return Map.of();
		}
		Map<String, String> headers = new HashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			if (!(flat.get(i) instanceof byte[] field && Arrays.equals(field, StreamPublisher.PAYLOAD))) {
				headers.put(string(flat.get(i)), string(flat.get(i + 1)));
			}
		}
		return headers;
	}

	static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	static String string(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(value);
	}

}
