package dev.redispatterns.observability.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.redispatterns.cache.CacheListener;

/**
 * Running totals per cache name (hits, misses, puts, evictions), read by the meters of Spring Boot's cache
 * metrics ({@code cache.gets}, {@code cache.puts}, {@code cache.evictions}). Reads answered by the near
 * cache, and stale reads, are hits.
 */
public class CacheStatistics implements CacheListener {

	private final Map<String, Counts> byCache = new ConcurrentHashMap<>();

	@Override
	public void onRequest(String cache, Result result) {
		Counts counts = counts(cache);
		(result == Result.MISS ? counts.misses : counts.hits).increment();
	}

	@Override
	public void onPut(String cache) {
		counts(cache).puts.increment();
	}

	@Override
	public void onEviction(String cache, boolean all) {
		counts(cache).evictions.increment();
	}

	public long hits(String cache) {
		return counts(cache).hits.sum();
	}

	public long misses(String cache) {
		return counts(cache).misses.sum();
	}

	public long puts(String cache) {
		return counts(cache).puts.sum();
	}

	public long evictions(String cache) {
		return counts(cache).evictions.sum();
	}

	private Counts counts(String cache) {
		Counts counts = this.byCache.get(cache);
		return (counts != null) ? counts : this.byCache.computeIfAbsent(cache, (name) -> new Counts());
	}

	private static final class Counts {

		final LongAdder hits = new LongAdder();

		final LongAdder misses = new LongAdder();

		final LongAdder puts = new LongAdder();

		final LongAdder evictions = new LongAdder();

	}

}
