package dev.redispatterns.messaging.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.core.internal.RetryPacer;
import dev.redispatterns.messaging.PoisonMessageException;

/**
 * What every consumer ({@link StreamConsumer}, {@link QueueConsumer}) shares: the start and stop, a reader
 * thread that repeats the consumer's read on a dedicated connection (blocking reads would stall the shared
 * one), the pause after a failed read, and the handler threads ({@link Workers}) the reader hands its
 * messages to. The consumer supplies only its Redis steps: the read, and what to do with a failure.
 * <p>
 * After a failure (Redis down, failing over, restarting) the reader pauses from 100 ms growing to 5 s, back
 * to nothing after a success. The first failure of a series is logged as a warning, the rest at debug level,
 * so an outage does not flood the log. A {@code TRYAGAIN} refusal or an {@code UNBLOCKED} blocking read
 * during a cluster slot migration is no outage: the reader tries again after 20 ms and logs it at debug
 * level only.
 */
public final class ConsumerLoop {

	/** One turn of the reader: the periodic work that is due, then one blocking read, handed to {@link #submit}. */
	@FunctionalInterface
	interface Read {

		void once(DedicatedConnection connection) throws InterruptedException;

	}

	private static final int MAX_ERROR_LENGTH = 1000;

	private static final Duration FIRST_PAUSE = Duration.ofMillis(100);

	private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

	private static final long SLOT_MIGRATION_PAUSE_MILLIS = 20;

	private final RedisConnector connector;

	private final Log logger;

	private final String threadName;

	private final Duration pollTimeout;

	private final Duration shutdownTimeout;

	private final String handlersLate;

	private final Read read;

	private final Consumer<RuntimeException> recover;

	private final CountDownLatch stopSignal = new CountDownLatch(1);

	private final String reading;

	private final RetryPacer pacer = RetryPacer.growing(FIRST_PAUSE, MAX_PAUSE);

	/** Whether the last read failed (the reader's own state). */
	private boolean failing;

	private volatile boolean running;

	private volatile boolean stopping;

	private @Nullable Thread reader;

	private @Nullable Workers workers;

	private volatile @Nullable DedicatedConnection connection;

	/**
	 * @param reading what the reader does, for the log of failed reads ("Consuming queue 'mails'")
	 * @param handlersLate the warning when handlers outlive the shutdown timeout
	 * @param recover deals with a failed read and returns, or throws what remains to be waited out
	 */
	ConsumerLoop(RedisConnector connector, Log logger, String threadName, Duration pollTimeout,
			Duration shutdownTimeout, String reading, String handlersLate, Read read,
			Consumer<RuntimeException> recover) {
		this.connector = connector;
		this.logger = logger;
		this.threadName = threadName;
		this.pollTimeout = pollTimeout;
		this.shutdownTimeout = shutdownTimeout;
		this.handlersLate = handlersLate;
		this.read = read;
		this.recover = recover;
		this.reading = reading;
	}

	boolean isRunning() {
		return this.running;
	}

	/** Set once stopping began: handlers that have not started hand their message back instead. */
	boolean isStopping() {
		return this.stopping;
	}

	Workers workers() {
		return this.workers;
	}

	/**
	 * Creates the handler threads, runs {@code beforeReading} and starts the reader; does nothing when
	 * started or stopped before.
	 * @param capacity messages the reader may hold, handled or waiting for a handler
	 */
	synchronized void start(int concurrency, int capacity, Runnable beforeReading) {
		if (this.running || this.stopping) {
			return;
		}
		this.running = true;
		RedisPatternsThreads threads = this.connector.threads();
		this.workers = new Workers(threads.factory(this.threadName), concurrency, capacity);
		beforeReading.run();
		Thread thread = threads.thread(this.threadName + "-reader", this::read);
		this.reader = thread;
		thread.start();
	}

	/**
	 * Stops reading, lets running handlers finish for at most the shutdown timeout (then interrupts them),
	 * runs {@code tidy} (the consumer hands back what it still holds) and closes the reader's connection.
	 */
	synchronized void stop(Runnable tidy) {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopping = true;
		this.stopSignal.countDown();
		join(this.reader, this.pollTimeout.plus(this.connector.commandTimeout()).plusSeconds(2));
		Workers current = this.workers;
		if (current != null && !current.shutdown(this.shutdownTimeout.toNanos())) {
			this.logger.warn(this.handlersLate);
		}
		tidy.run();
		DedicatedConnection open = this.connection;
		this.connection = null;
		if (open != null) {
			open.close();
		}
	}

	/**
	 * Runs {@code task} on a handler thread, which returns the task's permit when it ends.
	 * @return {@code false} when the handler threads are shut down (the permit is returned already)
	 */
	boolean submit(Runnable task) {
		Workers current = this.workers;
		try {
			current.submit(() -> {
				try {
					task.run();
				}
				finally {
					current.release(1);
				}
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			current.release(1);
			return false;
		}
	}

	private void read() {
		while (this.running) {
			try {
				this.read.once(connection());
				succeeded();
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
				try {
					this.recover.accept(ex);
				}
				catch (RuntimeException failure) {
					failed(failure);
				}
			}
		}
	}

	private void succeeded() {
		if (this.failing) {
			this.logger.info(this.reading + " recovered");
		}
		this.failing = false;
		this.pacer.reset();
	}

	/** Logs {@code failure} and waits, returning early when stopped. */
	private void failed(Throwable failure) {
		if (isSlotMigration(failure)) {
			// a cluster slot is migrating: try again shortly (Lettuce follows the redirect), it is not an outage
			this.logger.debug(this.reading + " waits for a slot migration: " + failure.getMessage());
			pause(TimeUnit.MILLISECONDS.toNanos(SLOT_MIGRATION_PAUSE_MILLIS));
			return;
		}
		if (!this.failing) {
			this.logger.warn(this.reading + " failed, retrying: " + failure.getMessage(),
					this.logger.isDebugEnabled() ? failure : null);
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug(this.reading + " still failing: " + failure.getMessage());
		}
		this.failing = true;
		pause(this.pacer.nextPauseNanos());
	}

	private void pause(long nanos) {
		try {
			this.stopSignal.await(nanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * {@code TRYAGAIN} (the command's keys are split between two nodes; nothing ran) or {@code UNBLOCKED}
	 * (the key a blocking read waited on was migrated away, or deleted: the next read finds out which).
	 */
	static boolean isSlotMigration(Throwable failure) {
		String reply = RedisConnector.errorReply(failure);
		return reply != null && (reply.startsWith("TRYAGAIN") || reply.startsWith("UNBLOCKED"));
	}

	private DedicatedConnection connection() {
		DedicatedConnection open = this.connection;
		if (open == null) {
			open = DedicatedConnection.open(this.connector, this.pollTimeout.plus(this.connector.commandTimeout()).plusSeconds(1));
			this.connection = open;
		}
		return open;
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

	/** Whether a handler declared its message unprocessable: it goes to the dead letters at once. */
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

	/** A handler's failure as recorded with a dead letter, bounded in length. */
	static String describe(Throwable failure) {
		String text = failure.getClass().getName() + ((failure.getMessage() != null) ? ": " + failure.getMessage() : "");
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
	}

	static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	static String string(@Nullable Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

}
