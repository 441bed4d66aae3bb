package dev.redispatterns.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static dev.redispatterns.cache.RedisPatternsCacheContractTests.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once an evict, put or clear of a key has returned, no load that began before it stores its value: not
 * a plain or {@code sync = true} {@code @Cacheable}, a {@code CompletableFuture} method, a background
 * refresh, a load without stampede protection, nor one whose lease ran out. Each test holds a load right
 * after it read the source of truth, changes the source and invalidates the key (mostly from a second
 * application instance on the same Redis), then lets the load finish: its caller still gets what it read,
 * but the cache must not keep it.
 */
@Tag("portable")
@RedisTopologies
class CacheCoherenceContractTests {

	private static final CachePolicy POLICY = CachePolicy.builder()
		.timeout(Duration.ofSeconds(3))
		.lockTimeout(Duration.ofSeconds(30))
		.maxWait(Duration.ofSeconds(30))
		.build();

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	private final List<CacheEngine> engines = new ArrayList<>();

	private ExecutorService threads;

	CacheCoherenceContractTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = CachingApplication.runner(redis);
	}

	@BeforeEach
	void start() {
		this.redis.flushAll();
		this.threads = Executors.newCachedThreadPool();
	}

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
		this.engines.forEach(CacheEngine::close);
	}

	// ---------------------------------------------------------------- the engine, two instances

	@Test
	void aLoadThatBeganBeforeAnEvictInAnotherInstanceDoesNotStoreItsValue() throws Exception {
		RedisPatternsCache a = engine(POLICY).cache("coherence");
		RedisPatternsCache b = engine(POLICY).cache("coherence");
		AtomicReference<String> source = new AtomicReference<>("old");
		HeldLoad load = new HeldLoad(source);
		Future<String> loading = this.threads.submit(() -> a.get("k", load));
		load.awaitRead();
		source.set("new");
		b.evict("k");
		load.release();
		assertThat(loading.get(30, TimeUnit.SECONDS)).as("the loader's own caller gets what it read").isEqualTo("old");
		assertThat(rawEntry(a, "k")).as("nothing stored").isNull();
		assertThat(b.get("k", source::get)).isEqualTo("new");
		assertThat(a.get("k").get()).isEqualTo("new");
	}

	@Test
	void aLoadThatBeganBeforeAPutInAnotherInstanceDoesNotOverwriteIt() throws Exception {
		RedisPatternsCache a = engine(POLICY).cache("coherence");
		RedisPatternsCache b = engine(POLICY).cache("coherence");
		HeldLoad load = new HeldLoad(new AtomicReference<>("old"));
		Future<String> loading = this.threads.submit(() -> a.get("k", load));
		load.awaitRead();
		b.put("k", "new");
		load.release();
		assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(a.get("k").get()).isEqualTo("new");
		assertThat(b.get("k").get()).isEqualTo("new");
	}

	@Test
	void aLoadThatBeganBeforeAnEvictInItsOwnInstanceDoesNotStoreItsValue() throws Exception {
		RedisPatternsCache cache = engine(POLICY).cache("coherence");
		AtomicReference<String> source = new AtomicReference<>("old");
		HeldLoad load = new HeldLoad(source);
		Future<String> loading = this.threads.submit(() -> cache.get("k", load));
		load.awaitRead();
		source.set("new");
		cache.evict("k");
		load.release();
		assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(cache.get("k", source::get)).isEqualTo("new");
	}

	@Test
	void aLoadThatBeganBeforeAPutIfAbsentInAnotherInstanceDoesNotOverwriteIt() throws Exception {
		RedisPatternsCache a = engine(POLICY).cache("coherence");
		RedisPatternsCache b = engine(POLICY).cache("coherence");
		HeldLoad load = new HeldLoad(new AtomicReference<>("old"));
		Future<String> loading = this.threads.submit(() -> a.get("k", load));
		load.awaitRead();
		assertThat(b.putIfAbsent("k", "new")).as("stored: there was no entry").isNull();
		load.release();
		assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(a.get("k").get()).isEqualTo("new");
	}

	@Test
	void aLoadWhoseLeaseRanOutDoesNotOverwriteTheNewerValueOfTheLoadThatTookOver() throws Exception {
		CacheEngine first = engine(POLICY);
		RedisPatternsCache a = first.cache("coherence");
		RedisPatternsCache b = engine(POLICY).cache("coherence");
		AtomicReference<String> source = new AtomicReference<>("old");
		HeldLoad load = new HeldLoad(source);
		Future<String> loading = this.threads.submit(() -> a.get("k", load));
		load.awaitRead();
		source.set("new");
		// A stalls (a long GC pause, say) until its lease expires: B takes over, loads and stores
		first.del(a.entryKey("k") + ":lease");
		assertThat(b.get("k", source::get)).isEqualTo("new");
		load.release();
		assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(a.get("k").get()).isEqualTo("new");
	}

	@Test
	void aLoadThatBeganBeforeAClearInAnotherInstanceDoesNotStoreItsValue() throws Exception {
		RedisPatternsCache a = engine(POLICY).cache("coherence");
		RedisPatternsCache b = engine(POLICY).cache("coherence");
		b.put("other", "x");
		HeldLoad load = new HeldLoad(new AtomicReference<>("old"));
		Future<String> loading = this.threads.submit(() -> a.get("k", load));
		load.awaitRead();
		b.clear();
		load.release();
		assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(rawEntry(a, "k")).isNull();
		assertThat(a.get("other")).isNull();
	}

	@Test
	void anAsynchronousLoadThatBeganBeforeAnEvictDoesNotStoreItsValue() throws Exception {
		RedisPatternsCache a = engine(POLICY).cache("coherence");
		RedisPatternsCache b = engine(POLICY).cache("coherence");
		CompletableFuture<String> read = new CompletableFuture<>();
		CountDownLatch started = new CountDownLatch(1);
		CompletableFuture<String> loading = a.retrieve("k", () -> {
			started.countDown();
			return read;
		});
		assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
		b.evict("k");
		read.complete("old");
		assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(rawEntry(a, "k")).isNull();
	}

	@Test
	void withoutStampedeProtectionALoadThatBeganBeforeAnEvictDoesNotStoreItsValue() throws Exception {
		CachePolicy unprotected = POLICY.toBuilder().stampedeProtection(false).build();
		RedisPatternsCache a = engine(unprotected).cache("coherence");
		RedisPatternsCache b = engine(unprotected).cache("coherence");
		AtomicReference<String> source = new AtomicReference<>("old");
		HeldLoad load = new HeldLoad(source);
		Future<String> loading = this.threads.submit(() -> a.get("k", load));
		load.awaitRead();
		source.set("new");
		b.evict("k");
		load.release();
		assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(rawEntry(a, "k")).isNull();
		assertThat(b.get("k", source::get)).isEqualTo("new");
	}

	@Test
	void aStaleWhileRevalidateRefreshThatBeganBeforeAnEvictDoesNotStoreItsValue() throws Exception {
		CachePolicy revalidating = POLICY.toBuilder().staleWhileRevalidate(Duration.ofMinutes(1)).build();
		CacheEngine first = engine(revalidating);
		RedisPatternsCache a = first.cache("coherence");
		RedisPatternsCache b = engine(revalidating).cache("coherence");
		a.put("k", "stale");
		expire(first, a.entryKey("k"));
		HeldLoad refresh = new HeldLoad(new AtomicReference<>("old"));
		assertThat(a.get("k", refresh)).as("the stale value, served at once").isEqualTo("stale");
		refresh.awaitRead();
		b.evict("k");
		refresh.release();
		awaitUntil(() -> first.listener.count("refresh.SUCCESS") == 1, Duration.ofSeconds(30));
		assertThat(rawEntry(a, "k")).isNull();
	}

	@Test
	void aRefreshAheadThatBeganBeforeAPutDoesNotOverwriteIt() throws Exception {
		CachePolicy refreshing = POLICY.toBuilder().refreshAhead(true).build();
		CacheEngine first = engine(refreshing);
		RedisPatternsCache a = first.cache("coherence");
		RedisPatternsCache b = engine(refreshing).cache("coherence");
		a.put("k", "due");
		expire(first, a.entryKey("k"));
		HeldLoad refresh = new HeldLoad(new AtomicReference<>("old"));
		assertThat(a.get("k", refresh)).isEqualTo("due");
		refresh.awaitRead();
		b.put("k", "new");
		refresh.release();
		awaitUntil(() -> first.listener.count("refresh.SUCCESS") == 1, Duration.ofSeconds(30));
		assertThat(a.get("k").get()).isEqualTo("new");
	}

	// ---------------------------------------------------------------- Spring's annotations, two instances

	@Test
	void aPlainCacheableLoadThatBeganBeforeACacheEvictInAnotherInstanceDoesNotStoreItsValue() {
		twoInstances((a, b) -> {
			CountDownLatch read = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			a.gate(read, release);
			Future<String> loading = this.threads.submit(() -> a.product("k"));
			assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
			b.version("v2");
			b.remove("k");
			release.countDown();
			assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("product-k-v1");
			assertThat(b.product("k")).as("B loads again: A's value was not stored").isEqualTo("product-k-v2");
			assertThat(a.product("k")).isEqualTo("product-k-v2");
		});
	}

	@Test
	void aPlainCacheableLoadThatBeganBeforeACachePutInAnotherInstanceDoesNotOverwriteIt() {
		twoInstances((a, b) -> {
			CountDownLatch read = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			a.gate(read, release);
			Future<String> loading = this.threads.submit(() -> a.product("k"));
			assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
			b.update("k", "written by B");
			release.countDown();
			assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("product-k-v1");
			assertThat(a.product("k")).isEqualTo("written by B");
			assertThat(b.product("k")).isEqualTo("written by B");
			assertThat(b.plainCalls()).isZero();
		});
	}

	@Test
	void aPlainCacheableLoadThatBeganBeforeACachePutInItsOwnInstanceDoesNotOverwriteIt() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			catalog.loadMillis(0);
			CountDownLatch read = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			catalog.gate(read, release);
			Future<String> loading = this.threads.submit(() -> catalog.product("k"));
			assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
			catalog.update("k", "written meanwhile");
			release.countDown();
			assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("product-k-v1");
			assertThat(catalog.product("k")).isEqualTo("written meanwhile");
		});
	}

	@Test
	void aPlainCacheableLoadThatBeganBeforeAClearInAnotherInstanceDoesNotStoreItsValue() {
		twoInstances((a, b) -> {
			CountDownLatch read = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			a.gate(read, release);
			Future<String> loading = this.threads.submit(() -> a.product("k"));
			assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
			b.version("v2");
			b.removeAll();
			release.countDown();
			assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("product-k-v1");
			assertThat(b.product("k")).isEqualTo("product-k-v2");
		});
	}

	@Test
	void aSyncCacheableLoadThatBeganBeforeACacheEvictInAnotherInstanceDoesNotStoreItsValue() {
		twoInstances((a, b) -> {
			CountDownLatch read = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			a.gate(read, release);
			Future<String> loading = this.threads.submit(() -> a.productSync("k"));
			assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
			b.version("v2");
			b.removeSync("k");
			release.countDown();
			assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("product-k-v1");
			assertThat(b.productSync("k")).isEqualTo("product-k-v2");
		});
	}

	@Test
	void aSyncCacheableLoadThatBeganBeforeACachePutInAnotherInstanceDoesNotOverwriteIt() {
		twoInstances((a, b) -> {
			CountDownLatch read = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			a.gate(read, release);
			Future<String> loading = this.threads.submit(() -> a.productSync("k"));
			assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
			b.updateSync("k", "written by B");
			release.countDown();
			assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("product-k-v1");
			assertThat(a.productSync("k")).isEqualTo("written by B");
		});
	}

	@Test
	void aCompletableFutureCacheableLoadThatBeganBeforeACacheEvictInAnotherInstanceDoesNotStoreItsValue() {
		twoInstances((a, b) -> {
			CountDownLatch read = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			a.gate(read, release);
			CompletableFuture<String> loading = a.productAsync("k");
			assertThat(read.await(30, TimeUnit.SECONDS)).isTrue();
			b.version("v2");
			b.removeAsync("k");
			release.countDown();
			assertThat(loading.get(30, TimeUnit.SECONDS)).isEqualTo("product-k-v1");
			assertThat(b.productAsync("k").get(30, TimeUnit.SECONDS)).isEqualTo("product-k-v2");
		});
	}

	@Test
	void aStaleWhileRevalidateRefreshOfAPlainCacheableThatBeganBeforeACacheEvictDoesNotStoreItsValue() {
		ApplicationContextRunner revalidating = this.runner
			.withPropertyValues("redis.patterns.cache.caches.products.stale-while-revalidate=1m");
		revalidating.run((first) -> revalidating.run((second) -> {
			CachedCatalog a = first.getBean(CachedCatalog.class);
			CachedCatalog b = second.getBean(CachedCatalog.class);
			a.loadMillis(0);
			b.loadMillis(0);
			CacheEngine raw = engine(POLICY);
			assertThat(a.product("k")).isEqualTo("product-k-v1");
			expire(raw, cache(first).entryKey("k"));
			CountDownLatch read = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			a.gate(read, release);
			assertThat(a.product("k")).as("stale, while the refresh runs").isEqualTo("product-k-v1");
			assertThat(read.await(30, TimeUnit.SECONDS)).as("the background refresh replays the method").isTrue();
			b.version("v2");
			b.remove("k");
			release.countDown();
			RecordingCacheListener listener = first.getBean(RecordingCacheListener.class);
			awaitUntil(() -> listener.count("refresh.SUCCESS") == 1, Duration.ofSeconds(30));
			assertThat(raw.raw(cache(first).entryKey("k"))).isNull();
			assertThat(b.product("k")).isEqualTo("product-k-v2");
		}));
	}

	// ---------------------------------------------------------------- helpers

	private CacheEngine engine(CachePolicy policy) {
		CacheEngine engine = new CacheEngine(this.redis, policy);
		this.engines.add(engine);
		return engine;
	}

	private byte[] rawEntry(RedisPatternsCache cache, String key) {
		return this.engines.get(0).raw(cache.entryKey(key));
	}

	/** Moves the entry's logical expiry into the past; Redis keeps it for a minute. */
	private static void expire(CacheEngine engine, String entryKey) {
		byte[] entry = engine.raw(entryKey);
		long past = System.currentTimeMillis() - 1_000;
		for (int i = 7; i >= 0; i--) {
			entry[2 + i] = (byte) past;
			past >>>= 8;
		}
		engine.set(entryKey, entry, Duration.ofMinutes(1));
	}

	private static RedisPatternsCache cache(ApplicationContext context) {
		return (RedisPatternsCache) context.getBean(RedisPatternsCacheManager.class).getCache("products");
	}

	private void twoInstances(TwoInstances test) {
		this.runner.run((first) -> this.runner.run((second) -> {
			CachedCatalog a = first.getBean(CachedCatalog.class);
			CachedCatalog b = second.getBean(CachedCatalog.class);
			a.loadMillis(0);
			b.loadMillis(0);
			test.run(a, b);
		}));
	}

	@FunctionalInterface
	interface TwoInstances {

		void run(CachedCatalog a, CachedCatalog b) throws Exception;

	}

	/** A loader held right after it read the source of truth, until released. */
	static final class HeldLoad implements Callable<String> {

		private final AtomicReference<String> source;

		private final CountDownLatch read = new CountDownLatch(1);

		private final CountDownLatch release = new CountDownLatch(1);

		HeldLoad(AtomicReference<String> source) {
			this.source = source;
		}

		@Override
		public String call() throws Exception {
			String value = this.source.get();
			this.read.countDown();
			if (!this.release.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("never released");
			}
			return value;
		}

		void awaitRead() throws InterruptedException {
			assertThat(this.read.await(30, TimeUnit.SECONDS)).as("the load began").isTrue();
		}

		void release() {
			this.release.countDown();
		}

	}

}
