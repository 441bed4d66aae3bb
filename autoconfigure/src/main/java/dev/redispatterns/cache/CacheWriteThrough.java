package dev.redispatterns.cache;

import java.util.Objects;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Write-through for code that updates the source of truth itself: update the source first, then the
 * cache, so readers in every instance see the new value (near caches included) without waiting for the
 * old entry to expire. Inside a Spring transaction the cache is updated only after the commit, so a
 * rolled-back change never reaches the cache.
 * <p>
 * If Redis cannot take the new value, the old entry is evicted instead; if Redis is unreachable for
 * both, the failure is logged and the old entry lives at most until its time to live.
 * <pre>{@code
 * Product saved = writeThrough.update("products", product.id(), () -> repository.save(product));
 * writeThrough.remove("products", id, () -> repository.deleteById(id));
 * }</pre>
 */
public final class CacheWriteThrough {

	private static final Log logger = LogFactory.getLog(CacheWriteThrough.class);

	private final CacheManager cacheManager;

	public CacheWriteThrough(CacheManager cacheManager) {
		this.cacheManager = Objects.requireNonNull(cacheManager, "cacheManager");
	}

	/**
	 * Runs {@code sourceUpdate} and stores its result under {@code key}. When the update throws, the
	 * cache is left untouched and the exception propagates.
	 * @throws IllegalArgumentException if there is no such cache (checked before the source is touched)
	 */
	public <T> @Nullable T update(String cacheName, Object key, Supplier<@Nullable T> sourceUpdate) {
		Cache cache = cache(cacheName);
		T value = sourceUpdate.get();
		afterCommit(() -> store(cache, key, value));
		return value;
	}

	/** Runs {@code sourceDelete} and evicts {@code key} from every instance. */
	public void remove(String cacheName, Object key, Runnable sourceDelete) {
		Cache cache = cache(cacheName);
		sourceDelete.run();
		afterCommit(() -> cache.evict(key));
	}

	private static void store(Cache cache, Object key, @Nullable Object value) {
		if (cache instanceof RedisPatternsCache redis) {
			if (!redis.write(key, value)) {
				if (redis.remove(key) < 0 && logger.isWarnEnabled()) {
					logger.warn("Cache '" + cache.getName() + "': could not write through (Redis unavailable); "
							+ "the previous entry may be served until its time to live ends");
				}
			}
		}
		else {
			cache.put(key, value);
		}
	}

	private Cache cache(String cacheName) {
		Cache cache = this.cacheManager.getCache(cacheName);
		if (cache == null) {
			throw new IllegalArgumentException("No cache named '" + cacheName + "'");
		}
		return cache;
	}

	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					action.run();
				}

			});
		}
		else {
			action.run();
		}
	}

}
