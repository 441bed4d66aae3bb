package dev.redispatterns.cache;

/**
 * A loading lease this instance holds on one entry: the right, shared across all instances, to load the
 * entry while the others wait. The token proves ownership to the scripts, so a lease that expired and was
 * taken over is never released or renewed by its former holder.
 */
final class Lease {

	final String entryKey;

	final byte[] leaseKey;

	final byte[] token;

	final long acquiredNanos;

	/** The thread that asked for the lease; a re-entrant call on the same key must not wait for itself. */
	final Thread thread = Thread.currentThread();

	volatile long renewedNanos;

	/** When the load under this lease began (a background refresh may wait in the pool first). */
	volatile long loadStartedNanos;

	Lease(String entryKey, byte[] leaseKey, byte[] token) {
		this.entryKey = entryKey;
		this.leaseKey = leaseKey;
		this.token = token;
		this.acquiredNanos = System.nanoTime();
		this.renewedNanos = this.acquiredNanos;
		this.loadStartedNanos = this.acquiredNanos;
	}

	/** How long the load under this lease has been running: XFetch's delta. */
	long loadNanos() {
		return System.nanoTime() - this.loadStartedNanos;
	}

}
