package dev.redispatterns.consistency.app;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Cache operations: a read through {@code @Cacheable}, and updates that change the source first, then put
 * the new version ({@code @CachePut}) or evict the key ({@code @CacheEvict}). Each answers the version.
 */
@RestController
public class CacheController {

	private final ItemService items;

	private final Database database;

	private final Broken broken;

	private final CacheManager cacheManager;

	private final ScheduledExecutorService refiller = Executors.newSingleThreadScheduledExecutor();

	public CacheController(ItemService items, Database database, Broken broken, CacheManager cacheManager) {
		this.items = items;
		this.database = database;
		this.broken = broken;
		this.cacheManager = cacheManager;
	}

	@PostMapping("/cache/read")
	public String read(@RequestParam String key, @RequestParam long op) {
		return Long.toString(this.items.read(key, op));
	}

	@PostMapping("/cache/put")
	public String put(@RequestParam String key, @RequestParam long op) {
		long version = this.database.bump(key, op);
		this.items.put(key, version);
		return Long.toString(version);
	}

	@PostMapping("/cache/evict")
	public String evict(@RequestParam String key, @RequestParam long op) {
		long version = this.database.bump(key, op);
		if (this.broken.enabled()) {
			// Broken: the value read before the evict is written back after the evict returned, as a load
			// that started earlier and stores late would do.
			Cache cache = this.cacheManager.getCache("items");
			Cache.ValueWrapper old = cache.get(key);
			this.items.evict(key);
			if (old != null) {
				this.refiller.schedule(() -> cache.put(key, old.get()), 20, TimeUnit.MILLISECONDS);
			}
			return Long.toString(version);
		}
		this.items.evict(key);
		return Long.toString(version);
	}

}
