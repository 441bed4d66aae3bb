package dev.redispatterns.cache;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache.ValueRetrievalException;

import dev.redispatterns.core.RedisPatternsObservation;
import dev.redispatterns.core.internal.PatternObservations;

/**
 * Runs one cache's value loaders, blocking or not, observes and reports each load, and stores the value
 * under the load's lease. Both forms end a load the same way ({@link #loaded}).
 */
final class CacheLoads {

	private final CacheScope scope;

	private final CacheLeases leases;

	private final CacheWrites writes;

	CacheLoads(CacheScope scope, CacheLeases leases, CacheWrites writes) {
		this.scope = scope;
		this.leases = leases;
		this.writes = writes;
	}

	/** Starts the observation of a load of {@code key}, or returns {@code null} when nothing observes. */
	@Nullable Observation observe(Object key) {
		PatternObservations observations = this.scope.runtime.observations;
		return observations.isActive()
				? observations.start(RedisPatternsObservation.CACHE_LOAD, this.scope.name, null, key) : null;
	}

	/**
	 * Runs {@code loader} and stores its value under {@code lease} (not at all without one). The value is
	 * returned to the caller even when the store is refused.
	 */
	<T> @Nullable T load(Object key, String entryKey, Callable<T> loader, @Nullable Lease lease) {
		Observation observation = observe(key);
		long start = System.nanoTime();
		T value;
		try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
			value = loader.call();
		}
		catch (Throwable ex) {
			loaded(observation, start, ex, lease);
			throw new ValueRetrievalException(key, loader, ex);
		}
		long elapsed = loaded(observation, start, null, lease);
		this.writes.fill(key, entryKey, value, lease, elapsed);
		return value;
	}

	/** {@link #load} without blocking; the future fails with the loader's own exception. */
	<T> CompletableFuture<T> loadAsync(Object key, String entryKey, Supplier<CompletableFuture<T>> loader,
			@Nullable Lease lease) {
		Observation observation = observe(key);
		long start = System.nanoTime();
		CompletableFuture<T> loaded;
		try (Observation.Scope scope = (observation != null) ? observation.openScope() : null) {
			loaded = loader.get();
			if (loaded == null) {
				loaded = CompletableFuture.failedFuture(new IllegalStateException("Value loader returned no future"));
			}
		}
		catch (Throwable ex) {
			loaded = CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		loaded.whenComplete((value, failure) -> {
			Throwable cause = CacheScope.unwrap(failure);
			long elapsed = loaded(observation, start, cause, lease);
			if (cause != null) {
				result.completeExceptionally(cause);
				return;
			}
			try {
				this.writes.fillAsync(key, entryKey, value, lease, elapsed)
					.whenComplete((ignored, ex) -> completeAsync(result, value, null));
			}
			catch (RuntimeException ex) {
				completeAsync(result, value, ex);
			}
		});
		return result;
	}

	/**
	 * Ends a load: stops its observation and reports it; a failed load releases its lease, so one waiter
	 * retries at once. Returns how long the load took.
	 */
	private long loaded(@Nullable Observation observation, long start, @Nullable Throwable failure,
			@Nullable Lease lease) {
		long elapsed = System.nanoTime() - start;
		if (observation != null) {
			PatternObservations.stop(observation, (failure == null) ? "success" : "failure", failure);
		}
		this.scope.listener.onLoad(this.scope.name, elapsed, failure == null);
		if (failure != null && lease != null) {
			this.leases.releaseIfPending(lease, CacheMessage.RETRY);
		}
		return elapsed;
	}

	/** Completes off the Redis I/O threads, so the application's continuations never run on them. */
	private <T> void completeAsync(CompletableFuture<T> result, @Nullable T value, @Nullable Throwable failure) {
		this.scope.runtime.asyncExecutor.execute(() -> {
			if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(value);
			}
		});
	}

}
