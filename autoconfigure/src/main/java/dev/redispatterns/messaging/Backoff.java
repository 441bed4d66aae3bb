package dev.redispatterns.messaging;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;

import dev.redispatterns.core.RedisConnector;

/**
 * The pause of a reader after a failure (Redis down, failing over, restarting): grows from 100 ms to 5 s,
 * back to nothing after a success. The first failure of a series is logged as a warning, the rest at debug
 * level, so an outage does not flood the log. A {@code TRYAGAIN} refusal or an {@code UNBLOCKED} blocking read
 * during a cluster slot migration is no outage: the reader tries again after 20 ms and logs it at debug
 * level only.
 */
final class Backoff {

	private static final long FIRST_MILLIS = 100;

	private static final long MAX_MILLIS = 5_000;

	private static final long TRY_AGAIN_MILLIS = 20;

	private final Log logger;

	private final String what;

	private long nextMillis = FIRST_MILLIS;

	private boolean failing;

	Backoff(Log logger, String what) {
		this.logger = logger;
		this.what = what;
	}

	void success() {
		if (this.failing) {
			this.logger.info(this.what + " recovered");
		}
		this.failing = false;
		this.nextMillis = FIRST_MILLIS;
	}

	/** Logs {@code failure} and waits, returning early when {@code stop} is signalled. */
	void failed(Throwable failure, CountDownLatch stop) {
		if (isSlotMigration(failure)) {
			// a cluster slot is migrating: try again shortly (Lettuce follows the redirect), it is not an outage
			this.logger.debug(this.what + " waits for a slot migration: " + failure.getMessage());
			pause(TRY_AGAIN_MILLIS, stop);
			return;
		}
		if (!this.failing) {
			this.logger.warn(this.what + " failed, retrying: " + failure.getMessage(),
					this.logger.isDebugEnabled() ? failure : null);
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug(this.what + " still failing: " + failure.getMessage());
		}
		this.failing = true;
		long pause = this.nextMillis;
		this.nextMillis = Math.min(MAX_MILLIS, this.nextMillis * 2);
		pause(pause, stop);
	}

	/**
	 * {@code TRYAGAIN} (the command's keys are split between two nodes; nothing ran) or {@code UNBLOCKED}
	 * (the key a blocking read waited on was migrated away, or deleted: the next read finds out which).
	 */
	static boolean isSlotMigration(Throwable failure) {
		String reply = RedisConnector.errorReply(failure);
		return reply != null && (reply.startsWith("TRYAGAIN") || reply.startsWith("UNBLOCKED"));
	}

	private static void pause(long millis, CountDownLatch stop) {
		try {
			stop.await(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
