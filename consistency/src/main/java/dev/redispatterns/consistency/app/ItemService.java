package dev.redispatterns.consistency.app;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** Versioned items behind Spring's cache annotations (cache {@code items}, the starter's {@code CacheManager}). */
@Service
public class ItemService {

	private final Database database;

	public ItemService(Database database) {
		this.database = database;
	}

	/** A plain {@code @Cacheable} (no {@code sync}): the starter gives it single flight as well. */
	@Cacheable(cacheNames = "items", key = "#key")
	public Long read(String key, long op) {
		return this.database.read(key, op);
	}

	@CachePut(cacheNames = "items", key = "#key")
	public Long put(String key, long version) {
		return version;
	}

	@CacheEvict(cacheNames = "items", key = "#key")
	public void evict(String key) {
	}

}
