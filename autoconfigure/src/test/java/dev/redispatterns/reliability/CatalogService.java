package dev.redispatterns.reliability;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/** A cached service as applications write it; counts how often its bodies run. */
public class CatalogService {

	private final AtomicInteger calls = new AtomicInteger();

	@Cacheable("catalog")
	public String value(String id) {
		this.calls.incrementAndGet();
		return "value-" + id;
	}

	@Cacheable(cacheNames = "catalog-sync", sync = true)
	public String syncValue(String id) {
		this.calls.incrementAndGet();
		return "sync-" + id;
	}

	/** A slow body, so that concurrent callers of a cold key wait for one load. */
	@Cacheable("catalog-slow")
	public String slowValue(String id) {
		this.calls.incrementAndGet();
		try {
			Thread.sleep(300);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return "slow-" + id;
	}

	/** Cached in a cache with a near cache (set up by the tests that use it). */
	@Cacheable("catalog-near")
	public String nearValue(String id) {
		this.calls.incrementAndGet();
		return "near-" + id;
	}

	/** Returns whatever it is given, caching any value, however large. */
	@CachePut(cacheNames = "catalog", key = "#id")
	public Object update(String id, Object value) {
		return value;
	}

	@CacheEvict("catalog")
	public void remove(String id) {
	}

	@CacheEvict(cacheNames = "catalog", allEntries = true)
	public void clear() {
	}

	public int calls() {
		return this.calls.get();
	}

}
