package dev.redispatterns.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.cache.CacheInvocation.Pending;

/**
 * The misses of one cache whose value the {@code @Cacheable} method loads, and the puts that store them:
 * a put is a load's fill only when it answers such a miss.
 */
final class CacheMisses {

	private final RedisPatternsCache cache;

	private final CacheLoads loads;

	/**
	 * Misses of {@code CompletableFuture} methods, whose put comes later on another thread: it is matched
	 * by the key object Spring generated for the miss (the same instance).
	 */
	private final ConcurrentHashMap<String, List<Detached>> detached = new ConcurrentHashMap<>();

	CacheMisses(RedisPatternsCache cache, CacheLoads loads) {
		this.cache = cache;
		this.loads = loads;
	}

	/** Remembers a miss whose value the invocation's method now loads; its put fills under {@code lease}. */
	void register(CacheInvocation invocation, Object key, String entryKey, @Nullable Lease lease) {
		Pending miss = invocation.register(this.cache, entryKey, key, lease, this.loads.observe(key));
		if (miss != null && invocation.asyncResult()) {
			detach(key, miss);
		}
	}

	/** Inside a background refresh: the refresh's own load of this key, or else a load that may not store. */
	Pending refreshTarget(CacheInvocation invocation, Object key, String entryKey) {
		Pending target = invocation.find(this.cache, entryKey);
		if (target == null) {
			target = invocation.register(this.cache, entryKey, key, null, null);
		}
		return (target != null) ? target : new Pending(this.cache, entryKey, key, null, System.nanoTime(), null);
	}

	/** The miss a put stores the value of, if it is one: of the current invocation, or a detached one. */
	@Nullable Pending claim(Object key, String entryKey) {
		CacheInvocation invocation = CacheInvocation.current();
		if (invocation != null) {
			Pending miss = invocation.claim(this.cache, entryKey);
			if (miss != null) {
				forget(miss);
				return miss;
			}
		}
		List<Detached> candidates = this.detached.get(entryKey);
		if (candidates != null) {
			for (Detached candidate : candidates) {
				if (candidate.key() == key && candidate.miss().claim()) {
					forget(candidate.miss());
					return candidate.miss();
				}
			}
		}
		return null;
	}

	void detach(Object key, Pending miss) {
		this.detached.compute(miss.entryKey(), (entryKey, list) -> {
			List<Detached> added = (list != null) ? new ArrayList<>(list) : new ArrayList<>(1);
			added.add(new Detached(key, miss));
			return added;
		});
	}

	/** The refresh is over: its misses (of any cache) no longer wait for a put from another thread. */
	static void forgetAll(CacheInvocation refreshing) {
		for (Pending miss : refreshing.misses()) {
			miss.cache().forget(miss);
		}
	}

	void forget(Pending miss) {
		this.detached.computeIfPresent(miss.entryKey(), (entryKey, list) -> {
			List<Detached> kept = new ArrayList<>(list.size());
			for (Detached candidate : list) {
				if (candidate.miss() != miss) {
					kept.add(candidate);
				}
			}
			return kept.isEmpty() ? null : kept;
		});
	}

	/** A miss whose put may come on another thread, with the key object Spring will put with. */
	private record Detached(Object key, Pending miss) {

	}

}
