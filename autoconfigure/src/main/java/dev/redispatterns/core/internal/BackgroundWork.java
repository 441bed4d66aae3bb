package dev.redispatterns.core.internal;

import java.time.Duration;

/**
 * Work a component runs in the background on the application's behalf (such as refresh-ahead
 * recomputations) that must end while the starter's connections are still open. When the context closes,
 * the starter asks every such bean to finish just before it closes its connections.
 */
public interface BackgroundWork {

	/**
	 * Takes no new work and waits at most {@code timeout} for the work in flight; what is still running
	 * then is interrupted.
	 */
	void finish(Duration timeout);

}
