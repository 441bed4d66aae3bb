package dev.redispatterns.cache;

import org.jspecify.annotations.Nullable;

/**
 * A load of one entry in this instance and its right to store the result: the key's fill ticket, taken
 * before the load read the source of truth, and — for the one load across all instances that others wait
 * for — the loading lease. The fill stores only while the ticket is still the key's (any put, eviction,
 * clear or other fill since voids it). The lease token proves ownership to the scripts, so a lease that
 * expired and was taken over is never released or renewed by its former holder.
 */
final class Lease {

	final String entryKey;

	final CacheCommands.Keys keys;

	/** The loading lease's token, or {@code null} when this load does not hold the lease. */
	final byte @Nullable [] token;

	/** The key's fill ticket when this load began. */
	final byte[] ticket;

	final long acquiredNanos;

	/** The thread that asked for the lease; a re-entrant call on the same key must not wait for itself. */
	final Thread thread = Thread.currentThread();

	volatile long renewedNanos;

	/** Set when the lease was held absurdly long and is no longer renewed (the ticket still is). */
	volatile boolean leaseAbandoned;

	/** When the load under this lease began (a background refresh may wait in the pool first). */
	volatile long loadStartedNanos;

	Lease(String entryKey, CacheCommands.Keys keys, byte @Nullable [] token, byte[] ticket) {
		this.entryKey = entryKey;
		this.keys = keys;
		this.token = token;
		this.ticket = ticket;
		this.acquiredNanos = System.nanoTime();
		this.renewedNanos = this.acquiredNanos;
		this.loadStartedNanos = this.acquiredNanos;
	}

	/** Whether this load holds the key's loading lease (others wait for it). */
	boolean exclusive() {
		return this.token != null;
	}

	/** How long the load under this lease has been running: XFetch's delta. */
	long loadNanos() {
		return System.nanoTime() - this.loadStartedNanos;
	}

}
