package dev.redispatterns.messaging;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;

/**
 * The pause of a reader after a failure (Redis down, failing over, restarting): grows from 100 ms to 5 s,
 * back to nothing after a success. The first failure of a series is logged as a warning, the rest at debug
 * level, so an outage does not flood the log.
 */
final class Backoff {

	private static final long FIRST_MILLIS = 100;

	private static final long MAX_MILLIS = 5_000;

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
		try {
			stop.await(pause, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
