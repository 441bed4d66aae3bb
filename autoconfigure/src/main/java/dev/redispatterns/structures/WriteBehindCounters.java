package dev.redispatterns.structures;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.core.internal.ScriptExecutor;

/**
 * Write-behind counters by name, and the flusher that hands their batches to their sinks: every flush
 * interval, and a final drain when the application stops. Register a counter with its sink, typically as
 * a bean:
 *
 * <pre>
 * &#64;Bean
 * WriteBehindCounter articleViews(WriteBehindCounters counters, ArticleRepository articles) {
 *     return counters.register("article-views", (batch) -&gt; articles.addViews(batch.deltas()));
 * }
 * </pre>
 *
 * As a {@link SmartLifecycle} it stops after the web server (so requests still being served count) and
 * before the Redis connection closes. Usable without Spring: call {@link #start()} and {@link #stop()}.
 */
public final class WriteBehindCounters implements SmartLifecycle {

	/** Stops after the web server (phase {@code DEFAULT_PHASE - 2048}), before Redis (phase 0). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(WriteBehindCounters.class);

	final ScriptExecutor scripts;

	final StructuresListener listener;

	/** Identifies this instance as the owner of a batch lease. */
	final byte[] flusherId = ScriptExecutor.arg(UUID.randomUUID().toString());

	private final RedisKeys keys;

	private final Map<String, WriteBehindPolicy> configured;

	private final WriteBehindPolicy defaults;

	private final Duration shutdownTimeout;

	private final Map<String, WriteBehindCounter> counters = new ConcurrentHashMap<>();

	private final Map<String, ScheduledFuture<?>> schedules = new ConcurrentHashMap<>();

	private final Object lifecycle = new Object();

	private final RedisPatternsThreads threads;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	/**
	 * @param configured settings of named counters
	 * @param defaults settings of every other counter
	 * @param shutdownTimeout longest time {@link #stop()} spends draining
	 */
	public WriteBehindCounters(ScriptExecutor scripts, RedisKeys keys, Map<String, WriteBehindPolicy> configured,
			WriteBehindPolicy defaults, Duration shutdownTimeout, StructuresListener listener) {
		this(scripts, keys, configured, defaults, shutdownTimeout, listener, RedisPatternsThreads.platform());
	}

	/**
	 * @param configured settings of named counters
	 * @param defaults settings of every other counter
	 * @param shutdownTimeout longest time {@link #stop()} spends draining
	 * @param threads where the flushing thread comes from
	 */
	public WriteBehindCounters(ScriptExecutor scripts, RedisKeys keys, Map<String, WriteBehindPolicy> configured,
			WriteBehindPolicy defaults, Duration shutdownTimeout, StructuresListener listener,
			RedisPatternsThreads threads) {
		this.threads = threads;
		this.scripts = scripts;
		this.keys = keys;
		this.configured = Map.copyOf(configured);
		this.defaults = defaults;
		this.shutdownTimeout = shutdownTimeout;
		this.listener = listener;
	}

	/** Default settings for every counter, 30 seconds to drain on stop, no metrics. */
	public WriteBehindCounters(ScriptExecutor scripts, RedisKeys keys) {
		this(scripts, keys, Map.of(), WriteBehindPolicy.defaults(), Duration.ofSeconds(30), StructuresListener.NONE);
	}

	/**
	 * Creates the write-behind counter {@code name}, flushed into {@code sink}.
	 * @throws IllegalStateException if a counter of that name is already registered
	 */
	public WriteBehindCounter register(String name, CounterSink sink) {
		StructureNames.check("write-behind counter", name);
		WriteBehindCounter counter = new WriteBehindCounter(this, name, this.keys.slotGroup("ctr", "wb", name),
				this.configured.getOrDefault(name, this.defaults), sink);
		if (this.counters.putIfAbsent(name, counter) != null) {
			throw new IllegalStateException("Write-behind counter '" + name + "' is already registered");
		}
		synchronized (this.lifecycle) {
			if (this.running) {
				schedule(counter);
			}
		}
		return counter;
	}

	/** The registered counter {@code name}. */
	public Optional<WriteBehindCounter> counter(String name) {
		return Optional.ofNullable(this.counters.get(name));
	}

	/** Flushes every counter until nothing is pending (bounded by the shutdown timeout). */
	public void flushAll() {
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		for (WriteBehindCounter counter : this.counters.values()) {
			try {
				counter.drain(deadline);
			}
			catch (RuntimeException ex) {
				logger.warn("Write-behind counter '" + counter.name()
						+ "' could not be flushed; its deltas stay in Redis for the next flush", ex);
			}
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycle) {
			if (this.running) {
				return;
			}
			this.scheduler = this.threads.scheduler("write-behind");
			this.running = true;
			this.counters.values().forEach(this::schedule);
		}
	}

	/** Stops the interval flushes, waits for a running one, then drains every counter. */
	@Override
	public void stop() {
		ScheduledExecutorService stopped;
		synchronized (this.lifecycle) {
			if (!this.running) {
				return;
			}
			this.running = false;
			stopped = this.scheduler;
			this.scheduler = null;
			this.schedules.values().forEach((schedule) -> schedule.cancel(false));
			this.schedules.clear();
		}
		if (stopped != null) {
			stopped.shutdown();
			try {
				stopped.awaitTermination(this.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		flushAll();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void schedule(WriteBehindCounter counter) {
		long interval = counter.settings().flushInterval().toMillis();
		ScheduledExecutorService current = this.scheduler;
		if (current == null) {
			return;
		}
		this.schedules.put(counter.name(), current.scheduleWithFixedDelay(() -> flushQuietly(counter), interval,
				interval, TimeUnit.MILLISECONDS));
	}

	private void flushQuietly(WriteBehindCounter counter) {
		try {
			counter.flush();
		}
		catch (RuntimeException ex) {
			logger.warn("Write-behind counter '" + counter.name() + "' could not be flushed; retrying in "
					+ counter.settings().flushInterval().toMillis() + " ms: " + ex.getMessage());
		}
	}

}
