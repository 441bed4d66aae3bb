package dev.redispatterns.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * A service with cached methods, as an application writes them. Counts how often each body runs. (The
 * bean is a proxy: tests use its methods, never its fields.)
 */
public class CachedCatalog {

	private final AtomicInteger plainCalls = new AtomicInteger();

	private final AtomicInteger syncCalls = new AtomicInteger();

	private final AtomicInteger optionalCalls = new AtomicInteger();

	private final AtomicInteger asyncCalls = new AtomicInteger();

	private final AtomicReference<RuntimeException> failNext = new AtomicReference<>();

	private final AtomicReference<Gate> gate = new AtomicReference<>();

	private volatile long loadMillis = 300;

	private volatile String version = "v1";

	public int plainCalls() {
		return this.plainCalls.get();
	}

	public int syncCalls() {
		return this.syncCalls.get();
	}

	public int optionalCalls() {
		return this.optionalCalls.get();
	}

	public int asyncCalls() {
		return this.asyncCalls.get();
	}

	/** How long a body takes, in milliseconds. */
	public void loadMillis(long loadMillis) {
		this.loadMillis = loadMillis;
	}

	/** Thrown by the next body that runs (once). */
	public void failNext(RuntimeException failure) {
		this.failNext.set(failure);
	}

	/**
	 * Holds the next body that runs: it reads the source of truth, counts {@code read} down, then waits for
	 * {@code release} before it returns what it read.
	 */
	public void gate(CountDownLatch read, CountDownLatch release) {
		this.gate.set(new Gate(read, release));
	}

	/** What the bodies return, so a test can change the source of truth. */
	public void version(String version) {
		this.version = version;
	}

	@Cacheable("products")
	public String product(String id) {
		this.plainCalls.incrementAndGet();
		return load(id);
	}

	@Cacheable(cacheNames = "products-sync", sync = true)
	public String productSync(String id) {
		this.syncCalls.incrementAndGet();
		return load(id);
	}

	@Cacheable(cacheNames = "optional", unless = "#result == null")
	public String optional(String id) {
		this.optionalCalls.incrementAndGet();
		load(id);
		return null;
	}

	@Cacheable("products-async")
	public CompletableFuture<String> productAsync(String id) {
		this.asyncCalls.incrementAndGet();
		return CompletableFuture.supplyAsync(() -> load(id));
	}

	@CachePut(cacheNames = "products", key = "#id")
	public String update(String id, String value) {
		return value;
	}

	@CacheEvict("products")
	public void remove(String id) {
	}

	@CachePut(cacheNames = "products-sync", key = "#id")
	public String updateSync(String id, String value) {
		return value;
	}

	@CacheEvict("products-sync")
	public void removeSync(String id) {
	}

	@CacheEvict("products-async")
	public void removeAsync(String id) {
	}

	@CacheEvict(cacheNames = "products", allEntries = true)
	public void removeAll() {
	}

	private String load(String id) {
		Gate held = this.gate.getAndSet(null);
		if (held != null) {
			String read = "product-" + id + "-" + this.version;
			held.read().countDown();
			try {
				if (!held.release().await(60, TimeUnit.SECONDS)) {
					throw new IllegalStateException("gate never released");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return read;
		}
		try {
			Thread.sleep(this.loadMillis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		RuntimeException failure = this.failNext.getAndSet(null);
		if (failure != null) {
			throw failure;
		}
		return "product-" + id + "-" + this.version;
	}

	private record Gate(CountDownLatch read, CountDownLatch release) {

	}

}
