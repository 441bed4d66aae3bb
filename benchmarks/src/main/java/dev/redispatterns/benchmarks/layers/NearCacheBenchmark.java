package dev.redispatterns.benchmarks.layers;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.cache.caffeine.CaffeineCache;

import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.benchmarks.cache.SpringCacheSubject;
import dev.redispatterns.benchmarks.harness.RedisInfo;
import dev.redispatterns.benchmarks.harness.StarterCore;
import dev.redispatterns.cache.CachePolicy;
import dev.redispatterns.cache.RedisPatternsCacheManager;

/**
 * Near-cache hits: an in-process hit through Spring's {@code Cache} API, the floor any near cache behind
 * {@code @Cacheable} can reach, and this starter's near cache in front of Redis, over 1,000 keys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NearCacheBenchmark {

	private static final int KEYS = 1_000;

	private final String[] keys = new String[KEYS];

	private Cache<Object, Object> caffeine;

	private CaffeineCache springCache;

	@Setup
	public void setUp() {
		this.caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
		this.springCache = new CaffeineCache("products", this.caffeine);
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = "product:" + i;
			this.springCache.put(this.keys[i], Product.sample(i));
		}
	}

	@Benchmark
	public Object caffeineGetIfPresent(Cursor cursor) {
		return this.caffeine.getIfPresent(this.keys[cursor.next()]);
	}

	@Benchmark
	public Product springCaffeineCacheGet(Cursor cursor) {
		return this.springCache.get(this.keys[cursor.next()], Product.class);
	}

	@Benchmark
	public Product starterNearCacheGet(StarterNearCache starter, Cursor cursor) {
		return starter.cache.get(this.keys[cursor.next()], Product.class);
	}

	/**
	 * The starter's cache with a near cache in front of the suite's Redis, filled and checked to answer
	 * without Redis. Only the method that uses it connects.
	 */
	@State(Scope.Benchmark)
	public static class StarterNearCache {

		private StarterCore core;

		private RedisPatternsCacheManager manager;

		org.springframework.cache.Cache cache;

		@Setup
		public void setUp() throws InterruptedException {
			URI redis = LayerSuite.redis();
			this.core = new StarterCore(redis.getHost(), redis.getPort());
			// near entries live as long as Redis's (the default 30 s near-cache TTL could end inside a long fork)
			this.manager = SpringCacheSubject.starterManager(this.core, CachePolicy.builder()
				.ttl(SpringCacheSubject.TTL)
				.nearCache(true)
				.nearCacheMaxSize(10_000)
				.nearCacheTtl(SpringCacheSubject.TTL)
				.build());
			// near entries are kept only once the invalidation channel is subscribed
			SpringCacheSubject.awaitSubscribed(this.manager, SpringCacheSubject.CACHE);
			this.cache = this.manager.getCache(SpringCacheSubject.CACHE);
			for (int i = 0; i < KEYS; i++) {
				this.cache.put("product:" + i, Product.sample(i));
				this.cache.get("product:" + i, Product.class);
			}
			long before = RedisInfo.commandsProcessed(redis.getHost(), redis.getPort());
			for (int i = 0; i < KEYS; i++) {
				if (this.cache.get("product:" + i, Product.class) == null) {
					throw new IllegalStateException("near-cache benchmark: product:" + i + " missing");
				}
			}
			long commands = RedisInfo.commandsProcessed(redis.getHost(), redis.getPort()) - before - 1;
			if (commands > KEYS / 100) {
				throw new IllegalStateException("near-cache benchmark: reading " + KEYS + " cached keys took "
						+ commands + " Redis commands; the near cache does not answer");
			}
		}

		@TearDown
		public void tearDown() {
			if (this.manager != null) {
				this.manager.close();
			}
			if (this.core != null) {
				this.core.close();
			}
		}

	}

	/** Walks the keys per thread, so every call reads a different entry. */
	@State(Scope.Thread)
	public static class Cursor {

		private int position;

		int next() {
			this.position = (this.position + 1) % KEYS;
			return this.position;
		}

	}

}
