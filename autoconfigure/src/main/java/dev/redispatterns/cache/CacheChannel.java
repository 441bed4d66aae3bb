package dev.redispatterns.cache;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.Flights.Signal;
import dev.redispatterns.core.RedisSignals;

/**
 * A cache's channel and its near cache. One subscription per cache name carries the wake-ups of waiting
 * callers and the invalidations of every instance's near cache. Until the subscription is confirmed,
 * waiters rely on their poll and the near cache is not filled (it could miss invalidations).
 */
final class CacheChannel {

	private static final Log logger = LogFactory.getLog(RedisPatternsCache.class);

	private static final long SUBSCRIBE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final CacheScope scope;

	private final @Nullable NearCache near;

	private final Consumer<String> filledElsewhere;

	/** Counts invalidations from other instances, so a near-cache fill racing one can be undone. */
	private final AtomicLong invalidations = new AtomicLong();

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

	/** A mark to pass to {@link #fillNear}, taken before the read or write whose result is filled in. */
	long mark() {
		return this.invalidations.get();
	}

	/** Keeps a value in the near cache unless an invalidation arrived since {@code mark}. */
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
		if (this.invalidations.get() != mark) {
			near.invalidate(entryKey);
		}
	}

	void invalidateNear(String entryKey) {
		if (this.near != null) {
			this.near.invalidate(entryKey);
		}
	}

	/** Drops every near-cache entry: invalidations may have been lost (reconnect), or the cache was cleared. */
	void clearNear() {
		if (this.near != null) {
			this.invalidations.incrementAndGet();
			this.near.clear();
		}
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

	/** Runs on the Redis I/O thread: only completes futures and touches the near cache. */
	private void onMessage(byte[] payload) {
		CacheMessage message = CacheMessage.decode(payload);
		if (message == null) {
			return;
		}
		boolean foreign = message.origin() != this.scope.runtime.origin;
		switch (message.type()) {
			case CacheMessage.FILLED, CacheMessage.EVICTED -> {
				if (foreign && this.near != null) {
					this.invalidations.incrementAndGet();
					this.near.invalidate(message.entryKey());
				}
				this.filledElsewhere.accept(message.entryKey());
				this.scope.flights.signal(message.entryKey(), Signal.of(message.type()));
			}
			case CacheMessage.CLEARED -> {
				if (foreign) {
					clearNear();
				}
			}
			default -> this.scope.flights.signal(message.entryKey(), Signal.of(message.type()));
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
