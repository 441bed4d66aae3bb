package dev.redispatterns.messaging.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.LuaScript;
import dev.redispatterns.core.internal.ScriptExecutor;
import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.MessagingListener;
import dev.redispatterns.messaging.PoisonMessageException;
import dev.redispatterns.messaging.QueuePolicy;

import static dev.redispatterns.messaging.internal.ConsumerLoop.bytes;

/**
 * One consumer of a reliable list queue: a reader thread with a dedicated connection for the blocking
 * {@code BLMOVE}, and {@code concurrency} handler threads. Runs without Spring:
 * <pre class="code">
 * QueueConsumer consumer = new QueueConsumer(connector, scripts, keys, QueuePolicy.defaults("mails"),
 * 		ConsumerNames.next(), (payload, delivery) -&gt; send(payload), MessagingListener.NONE);
 * consumer.start();
 * </pre>
 * <ul>
 * <li>A job is moved atomically from the ready list into this consumer's processing list
 * ({@code BLMOVE}), so it is never only in memory; it is removed ({@code LREM}) after its handler
 * returned.</li>
 * <li>A failed job is scheduled again after the retry delay, or moved to the dead-letter stream after
 * {@code maxDeliveries} attempts, in one script.</li>
 * <li>Each consumer records a heartbeat (Redis time) in the queue's consumer registry. Every consumer
 * checks the registry for consumers silent longer than the consumer timeout and puts their jobs back
 * (counting the lost attempt), so the work of a crashed instance is not lost.</li>
 * <li>A job runs again only as a counted new attempt. When the outcome of an attempt does not reach Redis
 * (the removal of a finished job, or the retry of a failed one, while Redis restarts), the consumer remembers
 * it and records it again once Redis answers, instead of running the job again. A job Redis moved into the
 * processing list for a read whose reply was lost is put back counting an attempt.</li>
 * <li>Delayed jobs are moved to the ready list by a script once Redis time has reached their due time,
 * never earlier.</li>
 * <li>Bounded memory: the reader takes a job only when a handler thread is free.</li>
 * </ul>
 */
public final class QueueConsumer {

	private static final Log logger = LogFactory.getLog(QueueConsumer.class);

	private static final LuaScript PROMOTE = LuaScript.load(Delivery.class, "queue_promote.lua");

	private static final LuaScript FAIL = LuaScript.load(Delivery.class, "queue_fail.lua");

	private static final LuaScript RELEASE = LuaScript.load(Delivery.class, "queue_release.lua");

	private static final LuaScript REQUEUE = LuaScript.load(Delivery.class, "queue_requeue.lua");

	private static final int PROMOTE_BATCH = 100;

	private final RedisConnector connector;

	private final ScriptExecutor scripts;

	private final QueuePolicy settings;

	private final String name;

	private final String consumerName;

	private final MessageHandler handler;

	private final MessagingListener listener;

	private final byte[] ready;

	private final byte[] delayed;

	private final byte[] processing;

	private final byte[] deadLetter;

	private final byte[] consumerBytes;

	private final long pollNanos;

	private final long heartbeatNanos;

	private final long reapNanos;

	private final long statsNanos;

	/**
	 * Jobs (as stored, see {@link #key(byte[])}) handed to a handler and whose outcome has not been sent to Redis
	 * yet, or not been confirmed.
	 */
	private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

	/**
	 * Jobs (as stored) whose handling ended but whose outcome did not reach Redis: how to record it again. Such a
	 * job stays in the processing list, and the reaper records its outcome instead of running it again.
	 */
	private final Map<String, Runnable> unsettled = new ConcurrentHashMap<>();

	private final QueueConsumerRegistry registry;

	private final ConsumerLoop loop;

	private long nextHeartbeat;

	private long nextPromote;

	private long nextReap;

	private long nextStats;

	public QueueConsumer(RedisConnector connector, ScriptExecutor scripts, MessagingKeys keys, QueuePolicy settings,
			String consumerName, MessageHandler handler, MessagingListener listener) {
		this.connector = connector;
		this.scripts = scripts;
		this.settings = settings;
		this.name = settings.name();
		this.consumerName = consumerName;
		this.handler = handler;
		this.listener = listener;
		this.ready = bytes(keys.queueReady(this.name));
		this.delayed = bytes(keys.queueDelayed(this.name));
		this.processing = bytes(keys.queueProcessing(this.name, consumerName));
		this.deadLetter = bytes(keys.queueDeadLetter(this.name));
		this.consumerBytes = bytes(consumerName);
		this.pollNanos = settings.pollTimeout().toNanos();
		this.heartbeatNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), settings.consumerTimeout().toNanos() / 3);
		this.reapNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(100), settings.consumerTimeout().toNanos() / 2);
		this.statsNanos = Math.min(TimeUnit.SECONDS.toNanos(10), Math.max(TimeUnit.SECONDS.toNanos(1), this.reapNanos));
		this.registry = new QueueConsumerRegistry(scripts, keys, settings, consumerName, listener);
		this.loop = new ConsumerLoop(connector, logger, "queue-" + this.name, settings.pollTimeout(),
				settings.shutdownTimeout(), "Consuming queue '" + this.name + "'",
				"Handlers of queue '" + this.name + "' did not finish within " + settings.shutdownTimeout()
						+ "; their jobs are recovered by the other consumers",
				this::readOnce, (failure) -> {
					throw failure;
				});
	}

	public String consumerName() {
		return this.consumerName;
	}

	public QueuePolicy settings() {
		return this.settings;
	}

	public boolean isRunning() {
		return this.loop.isRunning();
	}

	/** Starts consuming; when Redis cannot be reached the consumer keeps trying in the background. */
	public void start() {
		this.loop.start(this.settings.concurrency(), this.settings.concurrency(), () -> {
			long now = System.nanoTime();
			this.nextHeartbeat = now;
			this.nextPromote = now;
			this.nextReap = now;
			this.nextStats = now;
		});
	}

	/**
	 * Stops taking jobs, lets running handlers finish for at most the shutdown timeout (then interrupts them;
	 * their jobs stay in the processing list and are recovered by the other consumers), and leaves the
	 * consumer registry when nothing is left in this consumer's processing list.
	 */
	public void stop() {
		this.loop.stop(() -> {
			settleAll();
			this.registry.unregister();
		});
	}

	private void readOnce(DedicatedConnection open) throws InterruptedException {
		long now = System.nanoTime();
		if (now - this.nextHeartbeat >= 0) {
			this.registry.heartbeat();
			this.nextHeartbeat = now + this.heartbeatNanos;
		}
		if (now - this.nextPromote >= 0) {
			this.nextPromote = now + promote();
		}
		if (now - this.nextReap >= 0) {
			reap();
			this.nextReap = now + this.reapNanos + ThreadLocalRandom.current().nextLong(this.reapNanos / 4 + 1);
		}
		if (now - this.nextStats >= 0) {
			this.nextStats = now + this.statsNanos;
			sampleDepth();
		}
		Workers current = this.loop.workers();
		if (current.acquire(1, waitNanos()) == 0) {
			return;
		}
		boolean used = false;
		try {
			byte[] job = open.blmove(this.ready, this.processing, waitNanos());
			if (job != null) {
				used = true;
				dispatch(job);
			}
		}
		finally {
			if (!used) {
				current.release(1);
			}
		}
	}

	/** The longest wait before the reader must do periodic work again. */
	private long waitNanos() {
		long now = System.nanoTime();
		long until = Math.min(this.nextPromote - now, this.nextHeartbeat - now);
		return Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(this.pollNanos, until));
	}

	/** Moves due delayed jobs; returns how long until the next promotion is needed. */
	private long promote() {
		List<Object> reply = this.scripts.call(PROMOTE, ReturnType.MULTI,
				new byte[][] { this.delayed, this.ready }, ScriptExecutor.arg(PROMOTE_BATCH));
		long moved = ((Number) reply.get(0)).longValue();
		long waitMillis = ((Number) reply.get(1)).longValue();
		if (moved >= PROMOTE_BATCH) {
			return 0;
		}
		if (waitMillis < 0) {
			return this.pollNanos;
		}
		return Math.min(this.pollNanos, TimeUnit.MILLISECONDS.toNanos(waitMillis));
	}

	/** Recovers the jobs of dead consumers, and jobs of this consumer that no handler holds any more. */
	private void reap() {
		this.registry.recoverDead();
		// jobs no handler holds: finished or failed ones whose outcome did not reach Redis (recorded now, never run
		// again), and ones Redis moved here for a read whose reply was lost (put back as a counted attempt)
		List<byte[]> mine = this.connector.await(this.connector.commands().lrange(this.processing, 0, -1));
		Set<String> present = new HashSet<>();
		for (byte[] job : mine) {
			String key = key(job);
			present.add(key);
			// inFlight first: a handler adds to unsettled before it leaves inFlight
			if (this.inFlight.contains(key)) {
				continue;
			}
			Runnable settle = this.unsettled.get(key);
			if (settle != null) {
				settle.run();
				this.unsettled.remove(key);
			}
			else {
				requeue(job);
			}
		}
		// outcomes that reached Redis after all (a reply lost on the way back): nothing left to record
		this.unsettled.keySet().removeIf((key) -> !present.contains(key));
	}

	/** Records, before stopping, the outcomes that did not reach Redis, so no other consumer runs those jobs. */
	private void settleAll() {
		for (Map.Entry<String, Runnable> entry : this.unsettled.entrySet()) {
			try {
				entry.getValue().run();
				this.unsettled.remove(entry.getKey());
			}
			catch (RuntimeException ex) {
				logger.debug("Cannot record the outcome of a job of queue '" + this.name + "' before stopping; "
						+ "the other consumers recover it", ex);
			}
		}
	}

	/** Puts back a job Redis moved into the processing list for a read whose reply never arrived. */
	private void requeue(byte[] job) {
		Long result = this.scripts.call(REQUEUE, ReturnType.INTEGER,
				new byte[][] { this.processing, this.ready, this.deadLetter }, job,
				ScriptExecutor.arg(this.settings.maxDeliveries()), ScriptExecutor.arg(this.settings.deadLetterMaxLength()),
				this.consumerBytes);
		if (result != null && result == 1L) {
			logger.info("Queue '" + this.name + "': put back a job whose delivery to consumer " + this.consumerName
					+ " was lost with the connection (counted as an attempt)");
			this.listener.onQueueRecovered(this.name, 1);
		}
		else if (result != null && result == 2L) {
			logger.warn("Queue '" + this.name + "': moved a job whose delivery to consumer " + this.consumerName
					+ " was lost with the connection to the dead-letter stream (no attempts left)");
			this.listener.onQueueDeadLettered(this.name);
		}
	}

	private void sampleDepth() {
		CompletableFuture<Long> readyCount = this.connector.commands().llen(this.ready);
		CompletableFuture<Long> delayedCount = this.connector.commands().zcard(this.delayed);
		this.listener.onQueueDepth(this.name, this.connector.await(readyCount), this.connector.await(delayedCount));
	}

	private void dispatch(byte[] job) {
		QueueJob parsed = QueueJob.parse(job);
		String key = key(job);
		this.inFlight.add(key);
		if (!this.loop.submit(() -> handle(job, parsed))) {
			this.inFlight.remove(key);
			release(job);
		}
	}

	private void handle(byte[] job, @Nullable QueueJob parsed) {
		boolean holding = true;
		try {
			if (this.loop.isStopping()) {
				release(job);
				return;
			}
			this.listener.onQueueReceived(this.name);
			long start = System.nanoTime();
			Throwable failure = null;
			try {
				if (parsed == null) {
					throw new PoisonMessageException("Not a job of this queue");
				}
				ObservedMessageHandler.handle(this.handler, parsed.payload(),
						new Delivery(this.name, null, parsed.id(), parsed.attempts() + 1), parsed::headerMap);
			}
			catch (VirtualMachineError error) {
				throw error;
			}
			catch (Throwable ex) {
				failure = ex;
			}
			this.listener.onQueueHandled(this.name, System.nanoTime() - start, failure == null);
			if (failure == null) {
				holding = !complete(job);
			}
			else {
				failed(job, parsed, failure);
			}
		}
		finally {
			if (holding) {
				this.inFlight.remove(key(job));
			}
		}
	}

	/**
	 * Removes a finished job from the processing list. The job counts as held until Redis confirmed, so the
	 * reaper never mistakes a job being removed for one left behind. When the removal fails (Redis restarting,
	 * the connection broken while the command was in flight) the job is remembered as finished: the reaper
	 * removes it once Redis answers again, and never runs it again.
	 * @return whether removal was started (the job is then released from {@code inFlight} on completion)
	 */
	private boolean complete(byte[] job) {
		String key = key(job);
		try {
			this.connector.commands().lrem(this.processing, 1, job).whenComplete((count, failure) -> {
				if (failure != null) {
					this.unsettled.put(key, () -> removeFinished(job));
					if (logger.isDebugEnabled()) {
						logger.debug("Removing a finished job of queue '" + this.name
								+ "' failed; it is removed when Redis answers again", failure);
					}
				}
				this.inFlight.remove(key);
			});
			return true;
		}
		catch (RuntimeException ex) {
			this.unsettled.put(key, () -> removeFinished(job));
			logger.debug("Cannot remove a finished job of queue '" + this.name
					+ "' now; it is removed when Redis answers again", ex);
			return false;
		}
	}

	private void removeFinished(byte[] job) {
		this.connector.await(this.connector.commands().lrem(this.processing, 1, job));
	}

	private void failed(byte[] job, @Nullable QueueJob parsed, Throwable failure) {
		QueueJob current = (parsed != null) ? parsed : new QueueJob(0, "", job);
		QueueJob next = current.failedOnce();
		boolean poison = ConsumerLoop.isPoison(failure);
		boolean dead = poison || next.attempts() >= this.settings.maxDeliveries();
		if (dead) {
			logger.warn("Handler of queue '" + this.name + "' failed on job " + current.id()
					+ (poison ? " (poison message)" : " for the last allowed time (attempt " + next.attempts() + ")")
					+ "; moving it to the dead-letter stream", failure);
		}
		else {
			logger.warn("Handler of queue '" + this.name + "' failed on job " + current.id() + " (attempt "
					+ next.attempts() + " of " + this.settings.maxDeliveries() + "); retrying in "
					+ this.settings.retryDelay(), failure);
		}
		String error = ConsumerLoop.describe(failure);
		Runnable record = () -> recordFailure(job, current, next, dead, error);
		try {
			record.run();
		}
		catch (RuntimeException ex) {
			// remembered before the job leaves inFlight, so the reaper records the attempt instead of running it again
			this.unsettled.put(key(job), record);
			logger.warn("Cannot record the failure of job " + current.id() + " of queue '" + this.name
					+ "' now; it is recorded when Redis answers again", ex);
		}
	}

	/** Takes a failed job out of the processing list, scheduling its next attempt or dead-lettering it. */
	private void recordFailure(byte[] job, QueueJob current, QueueJob next, boolean dead, String error) {
		Long result = this.scripts.call(FAIL, ReturnType.INTEGER,
				new byte[][] { this.processing, this.delayed, this.deadLetter }, job, next.encode(),
				ScriptExecutor.arg(this.settings.retryDelay().toMillis()), ScriptExecutor.arg(dead ? 1 : 0),
				bytes(current.id()), ScriptExecutor.arg(next.attempts()), bytes(error),
				ScriptExecutor.arg(this.settings.deadLetterMaxLength()), current.payload(), this.consumerBytes);
		if (result != null && result == 1L) {
			this.listener.onQueueRetried(this.name);
		}
		else if (result != null && result == 2L) {
			this.listener.onQueueDeadLettered(this.name);
		}
	}

	private void release(byte[] job) {
		try {
			this.scripts.call(RELEASE, ReturnType.INTEGER, new byte[][] { this.processing, this.ready }, job);
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot hand a job of queue '" + this.name + "' back now; it is recovered later", ex);
		}
	}

	/** A job as stored, as a map key: one char per byte, so two keys are equal exactly when the bytes are. */
	private static String key(byte[] job) {
		return new String(job, StandardCharsets.ISO_8859_1);
	}

}
