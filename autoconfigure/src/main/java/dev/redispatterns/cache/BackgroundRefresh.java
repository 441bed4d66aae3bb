package dev.redispatterns.cache;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.CacheListener.Operation;
import dev.redispatterns.cache.CacheListener.RefreshOutcome;
import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.internal.PatternObservations;
import dev.redispatterns.core.internal.RedisPatternsThreads;

/**
 * Recomputes entries of one cache in the background (refresh-ahead and stale-while-revalidate), one
 * caller across all instances per entry: the refresh takes the entry's loading lease, so callers that miss
 * meanwhile wait for it too. Refreshes run on the manager's bounded refresh pool; when it is full the
 * refresh is skipped and the entry keeps its value.
 * <p>
 * A refresh runs the loader it was given: the {@code Callable} or {@code Supplier} of
 * {@code @Cacheable(sync = true)}, or for a plain {@code @Cacheable} a replay of the method invocation
 * through Spring's cache interceptor (which stores the result). It runs on a pool thread, in the context
 * the application's {@code TaskDecorator} carries over from the caller that started it (without one, none
 * of the caller's thread-bound context: security context, MDC, tracing). Like any load, it stores
 * its result only if the entry was not written, evicted or cleared after its lease was taken.
 */
final class BackgroundRefresh {

	private static final Log logger = LogFactory.getLog(RedisPatternsCache.class);

	private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final int MAX_TRACKED = 10_000;

	private final CacheScope scope;

	private final CacheLeases leases;

	/** When this instance last tried to refresh a key, so hot keys do not send a lease attempt per read. */
	private final Map<String, Long> attempts = new ConcurrentHashMap<>();

	BackgroundRefresh(CacheScope scope, CacheLeases leases) {
		this.scope = scope;
		this.leases = leases;
	}

	/**
	 * Recomputes an entry and stores the result under {@code lease}, whose fill ticket was taken before the
	 * recomputation began (a write or eviction meanwhile voids it). May return a future that completes
	 * once the result is stored.
	 */
	@FunctionalInterface
	interface Refresher {

		@Nullable Object run(Lease lease) throws Throwable;

	}

	/** Forgets the last attempt on a key that was just stored. */
	void stored(String entryKey) {
		this.attempts.remove(entryKey);
	}

	/**
	 * Starts a background recomputation of the entry read with expiry {@code expiresAtMillis}, unless this
	 * instance is already loading the key or tried it a moment ago, another caller holds the lease, or
	 * the entry was replaced since it was read. Never blocks: the lease is asked for asynchronously.
	 */
	void start(String entryKey, long expiresAtMillis, @Nullable Refresher refresher) {
		if (refresher == null || this.leases.holds(entryKey) || !this.scope.connected()) {
			return;
		}
		long now = System.nanoTime();
		Long last = this.attempts.get(entryKey);
		if (last != null && now - last < RETRY_NANOS) {
			return;
		}
		if (this.attempts.size() > MAX_TRACKED) {
			this.attempts.clear();
		}
		this.attempts.put(entryKey, now);
		CacheCommands.Keys keys = CacheCommands.Keys.of(entryKey);
		byte[] token = this.scope.runtime.newToken();
		// on the caller's thread: the lease reply completes on a client thread
		RedisPatternsThreads.Captured context = this.scope.runtime.connector.threads().capture();
		try {
			this.scope.commands()
				.tryRefreshLease(keys, token, this.scope.runtime.newToken(), this.scope.lockTimeoutMillis,
						expiresAtMillis)
				.whenComplete((ticket, failure) -> {
					if (failure == null && ticket != null) {
						submit(this.leases.open(entryKey, keys, token, ticket), refresher, context);
					}
				});
		}
		catch (RuntimeException ex) {
			this.scope.unavailable(Operation.WRITE, ex);
		}
	}

	private void submit(Lease lease, Refresher refresher, RedisPatternsThreads.Captured context) {
		try {
			this.scope.runtime.refreshExecutor.execute(context.wrap(() -> run(lease, refresher)));
		}
		catch (RejectedExecutionException ex) {
			this.leases.releaseIfPending(lease, CacheMessage.SKIPPED);
			this.scope.listener.onRefresh(this.scope.name, RefreshOutcome.REJECTED);
		}
	}

	private void run(Lease lease, Refresher refresher) {
		long start = System.nanoTime();
		lease.loadStartedNanos = start;
		PatternObservations observations = this.scope.runtime.observations;
		Observation observation = observations.isActive()
				? observations.start(RedisPatternsObservation.CACHE_LOAD, this.scope.name, null, null) : null;
		Object result;
		try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
			result = refresher.run(lease);
		}
		catch (Throwable ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Cache '" + this.scope.name + "': background refresh failed", ex);
			}
			ended(lease, start, false, observation, ex);
			return;
		}
		if (result instanceof CompletableFuture<?> future) {
			future.whenComplete((value, failure) -> ended(lease, start, failure == null, observation, failure));
		}
		else {
			ended(lease, start, true, observation, null);
		}
	}

	/** The refresh is over; its lease is normally gone with the write, otherwise it is released here. */
	private void ended(Lease lease, long start, boolean success, @Nullable Observation observation,
			@Nullable Throwable failure) {
		if (observation != null) {
			PatternObservations.stop(observation, success ? "success" : "failure", CacheScope.unwrap(failure));
		}
		this.scope.listener.onRefresh(this.scope.name, success ? RefreshOutcome.SUCCESS : RefreshOutcome.FAILURE);
		this.scope.listener.onLoad(this.scope.name, System.nanoTime() - start, success);
		this.leases.releaseIfPending(lease, success ? CacheMessage.SKIPPED : CacheMessage.RETRY);
	}

}
