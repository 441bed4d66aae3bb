package dev.redispatterns.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * The in-process layer in front of Redis, bounded by size and time. It holds the value instances
 * themselves, so a near hit costs no decoding; entries never outlive the Redis entry's logical expiry,
 * and every write or eviction anywhere removes them through the cache's channel.
 */
final class NearCache {

	private final Cache<String, Entry> entries;

	private final long ttlMillis;

	NearCache(CachePolicy policy) {
		this.ttlMillis = policy.nearCacheTtl().toMillis();
		// maintenance on the writing thread: the size bound holds once a put returns, not some time later
		this.entries = Caffeine.newBuilder()
			.maximumSize(policy.nearCacheMaxSize())
			.expireAfterWrite(policy.nearCacheTtl())
			.executor(Runnable::run)
			.build();
	}

	/** Whether the near-cache library is on the classpath. */
	static boolean isAvailable() {
		try {
			Class.forName("com.github.benmanes.caffeine.cache.Caffeine", false, NearCache.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	@Nullable Entry get(String key, long nowMillis) {
		Entry entry = this.entries.getIfPresent(key);
		if (entry != null && nowMillis >= entry.deadlineMillis) {
			this.entries.asMap().remove(key, entry);
			return null;
		}
		return entry;
	}

	void put(String key, @Nullable Object value, long expiresAtMillis, int loadMillis, long nowMillis) {
		long deadline = Math.min(nowMillis + this.ttlMillis, expiresAtMillis);
		if (deadline > nowMillis) {
			this.entries.put(key, new Entry(value, expiresAtMillis, loadMillis, deadline));
		}
	}

	void invalidate(String key) {
		this.entries.invalidate(key);
	}

	void clear() {
		this.entries.invalidateAll();
	}

	long size() {
		return this.entries.estimatedSize();
	}

	record Entry(@Nullable Object value, long expiresAtMillis, int loadMillis, long deadlineMillis) {

	}

}
