package dev.redispatterns.cache;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.Flights.Signal;
import dev.redispatterns.core.internal.RedisSignals;

/**
 * A cache's channel and its near cache. One subscription per cache name carries the wake-ups of waiting
 * callers and the invalidations of every instance's near cache. Until the subscription is confirmed,
 * waiters rely on their poll and the near cache is not filled (it could miss invalidations).
 * <p>
 * A read fills the near cache only if no invalidation of its key — from another instance, or a write,
 * eviction or clear in this one — happened between the moment its {@code GET} was sent and the fill: a
 * counter per stripe of keys moves with every invalidation, and a fill that sees it moved undoes itself.
 * Local writes invalidate both before they are sent and after Redis applied them, so once a put or an
 * eviction has returned no read that began before it leaves an older value behind.
 */
final class CacheChannel {

	private static final Log logger = LogFactory.getLog(RedisPatternsCache.class);

	private static final long SUBSCRIBE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final CacheScope scope;

	private final @Nullable NearCache near;

	private final Consumer<String> filledElsewhere;

	private static final int STRIPES = 64;

	/** Counts invalidations per stripe of keys, so a near-cache fill racing one can be undone. */
	private final AtomicLongArray invalidations = new AtomicLongArray(STRIPES);

	private final Object subscribeLock = new Object();

	private volatile RedisSignals.@Nullable Subscription subscription;

	private volatile boolean subscribing;

	private volatile long nextSubscribeNanos = System.nanoTime();

	private volatile boolean closed;

	/**
	 * @param filledElsewhere told the entry key of every entry stored or evicted (by any instance)
	 */
	CacheChannel(CacheScope scope, Consumer<String> filledElsewhere) {
		this.scope = scope;
		this.near = scope.policy.nearCache() ? new NearCache(scope.policy) : null;
		this.filledElsewhere = filledElsewhere;
	}

	@Nullable NearCache near() {
		return this.near;
	}

	/** A mark to pass to {@link #fillNear}, taken before the read whose result is filled in. */
	long mark(String entryKey) {
		return this.invalidations.get(stripe(entryKey));
	}

	/** Keeps a value read from Redis in the near cache unless its key was invalidated since {@code mark}. */
	void fillNear(String entryKey, @Nullable Object value, long expiresAtMillis, int loadMillis, long now, long mark) {
		NearCache near = this.near;
		if (near == null) {
			return;
		}
		if (this.subscription == null || !this.scope.runtime.nearFillAllowed()) {
			ensureSubscribed();
			return;
		}
		near.put(entryKey, value, expiresAtMillis, loadMillis, now);
		if (mark(entryKey) != mark) {
			near.invalidate(entryKey);
		}
	}

	/**
	 * Before a write or eviction of the key is sent: drops the near copy; returns the mark to pass to
	 * {@link #afterWrite}.
	 */
	long beforeWrite(String entryKey) {
		invalidateNear(entryKey);
		return mark(entryKey);
	}

	/**
	 * After Redis applied (or may have applied) a write or eviction of the key: invalidates again, which
	 * undoes the fills of reads that began before it, then keeps {@code value} if given and nothing else
	 * touched the key since {@code mark}.
	 */
	void afterWrite(String entryKey, long mark, boolean keep, @Nullable Object value, long expiresAtMillis,
			int loadMillis) {
		NearCache near = this.near;
		if (near == null) {
			return;
		}
		invalidateNear(entryKey);
		long own = mark + 1;
		if (keep && mark(entryKey) == own && this.subscription != null && this.scope.runtime.nearFillAllowed()) {
			near.put(entryKey, value, expiresAtMillis, loadMillis, System.currentTimeMillis());
			if (mark(entryKey) != own) {
				near.invalidate(entryKey);
			}
		}
	}

	/** Drops the near copy of a key; fills of reads racing this are undone. */
	void invalidateNear(String entryKey) {
		NearCache near = this.near;
		if (near != null) {
			this.invalidations.incrementAndGet(stripe(entryKey));
			near.invalidate(entryKey);
		}
	}

	/** Drops every near-cache entry: invalidations may have been lost (reconnect), or the cache was cleared. */
	void clearNear() {
		NearCache near = this.near;
		if (near != null) {
			for (int i = 0; i < STRIPES; i++) {
				this.invalidations.incrementAndGet(i);
			}
			near.clear();
		}
	}

	private static int stripe(String entryKey) {
		int hash = entryKey.hashCode();
		return (hash ^ (hash >>> 16)) & (STRIPES - 1);
	}

	boolean isSubscribed() {
		return this.subscription != null;
	}

	/** Subscribes in the background unless subscribed, subscribing, or a failed attempt was just made. */
	void ensureSubscribed() {
		if (this.subscription != null || this.subscribing || this.closed
				|| System.nanoTime() - this.nextSubscribeNanos < 0) {
			return;
		}
		synchronized (this.subscribeLock) {
			if (this.subscription != null || this.subscribing) {
				return;
			}
			this.subscribing = true;
		}
		try {
			this.scope.runtime.scheduler.execute(this::subscribe);
		}
		catch (RejectedExecutionException ex) {
			this.subscribing = false;
		}
	}

	private void subscribe() {
		try {
			if (!this.closed) {
				this.subscription = this.scope.runtime.signals.subscribe(this.scope.channelName, this::onMessage);
			}
		}
		catch (RuntimeException ex) {
			this.nextSubscribeNanos = System.nanoTime() + SUBSCRIBE_RETRY_NANOS;
			if (logger.isDebugEnabled()) {
				logger.debug("Cache '" + this.scope.name + "': cannot subscribe to " + this.scope.channelName + " yet",
						ex);
			}
		}
		finally {
			this.subscribing = false;
		}
	}

	/**
	 * Runs on the Redis I/O thread: only completes futures and touches the near cache. This instance's own
	 * messages are skipped: its writes wake their local waiters and invalidate its near cache themselves.
	 */
	private void onMessage(byte[] payload) {
		CacheMessage message = CacheMessage.decode(payload);
		if (message == null) {
			return;
		}
		boolean stored = message.type() == CacheMessage.FILLED || message.type() == CacheMessage.EVICTED;
		if (stored) {
			this.filledElsewhere.accept(message.entryKey());
		}
		if (message.origin() == this.scope.runtime.origin) {
			return;
		}
		if (stored) {
			invalidateNear(message.entryKey());
			this.scope.flights.signal(message.entryKey(), Signal.of(message.type()));
		}
		else if (message.type() == CacheMessage.CLEARED) {
			clearNear();
			this.scope.flights.signalAll(Signal.RETRY);
		}
		else {
			this.scope.flights.signal(message.entryKey(), Signal.of(message.type()));
		}
	}

	void close() {
		this.closed = true;
		RedisSignals.Subscription current = this.subscription;
		this.subscription = null;
		if (current != null) {
			current.close();
		}
	}

}
