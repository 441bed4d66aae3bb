package dev.redispatterns.core.internal;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.api.StatefulConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Closes a connection the starter opened from the application's Lettuce client and waits, for a bounded
 * time, until it is closed. Until then the client still holds the connection among its open resources:
 * shutting the client down in that window (the connection factory's destroy, right after the starter's
 * beans stop) closes it a second time, and Lettuce warns "Connection is already closed". Not for an event
 * loop thread, which the close itself needs.
 */
public final class LettuceClose {

	private static final Log logger = LogFactory.getLog(LettuceClose.class);

	private LettuceClose() {
	}

	public static void closeAndWait(StatefulConnection<?, ?> connection, Duration timeout) {
		try {
			connection.closeAsync().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.debug("Closing a Redis connection did not complete", ex);
		}
	}

}
