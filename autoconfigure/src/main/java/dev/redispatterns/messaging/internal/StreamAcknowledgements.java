package dev.redispatterns.messaging.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisConnector;

/**
 * The {@code XACK}s of one stream consumer: one command at a time, with every id that finished meanwhile, so
 * at low load each entry is acknowledged at once and under load many share one command. A failed
 * acknowledgement leaves its entries pending; they are delivered again.
 */
public final class StreamAcknowledgements {

	private static final Log logger = LogFactory.getLog(StreamConsumer.class);

	private static final int MAX_BATCH = 1000;

	private final RedisConnector connector;

	private final byte[] key;

	private final byte[] group;

	private final String name;

	/** Ids whose handler returned, waiting for the next {@code XACK}. */
	private final ConcurrentLinkedQueue<String> waiting = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean acknowledging = new AtomicBoolean();

	private volatile CompletableFuture<?> last = CompletableFuture.completedFuture(null);

	StreamAcknowledgements(RedisConnector connector, byte[] key, byte[] group, String name) {
		this.connector = connector;
		this.key = key;
		this.group = group;
		this.name = name;
	}

	void acknowledge(String id) {
		this.waiting.add(id);
		flush();
	}

	private void flush() {
		while (!this.waiting.isEmpty() && this.acknowledging.compareAndSet(false, true)) {
			List<String> ids = new ArrayList<>();
			String id;
			while (ids.size() < MAX_BATCH && (id = this.waiting.poll()) != null) {
				ids.add(id);
			}
			if (ids.isEmpty()) {
				this.acknowledging.set(false);
				continue;
			}
			CompletableFuture<Long> ack;
			try {
				ack = this.connector.commands().xack(this.key, this.group, ids.toArray(new String[0]));
			}
			catch (RuntimeException ex) {
				this.acknowledging.set(false);
				logger.debug("Cannot acknowledge " + ids.size() + " entries of stream '" + this.name
						+ "' now; they stay pending and are delivered again", ex);
				return;
			}
			this.last = ack;
			if (ack.isDone()) {
				// answered on this thread (portable mode): loop rather than recurse for the next batch
				acknowledged(ids, failureOf(ack));
				continue;
			}
			ack.whenComplete((count, failure) -> {
				acknowledged(ids, failure);
				flush();
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

	/** Sends what is waiting and waits for the replies, at most the command timeout. */
	void awaitAll() {
		long deadline = System.nanoTime() + this.connector.commandTimeout().toNanos();
		while (System.nanoTime() - deadline < 0) {
			flush();
			try {
				this.last.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				// failed acknowledgements leave their entries pending; they are delivered again
			}
			if (this.waiting.isEmpty() && !this.acknowledging.get()) {
				return;
			}
		}
	}

}
