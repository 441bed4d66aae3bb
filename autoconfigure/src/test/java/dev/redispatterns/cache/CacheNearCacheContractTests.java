package dev.redispatterns.cache;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.util.internal.ThreadExecutorMap;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.test.EnabledOnTopology;
import dev.redispatterns.test.RedisDeployment.Topology;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static dev.redispatterns.cache.RedisPatternsCacheContractTests.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache answers repeated reads in-process and stays coherent across instances: a write or an
 * eviction in one instance reaches the other instances' next reads through the cache's channel, long
 * before the near cache's own time to live (an hour here) would. In the writing instance, once a put or
 * an evict has returned, no read that began before it puts the old value back into the near cache.
 * On both clients: in portable mode the listener container's resubscription empties the near cache.
 */
@Tag("portable")
@RedisTopologies
class CacheNearCacheContractTests {

	final RedisDeployment redis;

	final ApplicationContextRunner runner;

	CacheNearCacheContractTests(RedisDeployment redis) {
		this.redis = redis;
		redis.flushAll();
		this.runner = CachingApplication.runner(redis)
			.withPropertyValues("redis.patterns.cache.caches.products.near-cache.enabled=true",
					"redis.patterns.cache.caches.products.near-cache.ttl=1h");
	}

	@Test
	void aCachePutInOneInstanceIsSeenByTheOtherInstancesNextReads() {
		this.runner.run((a) -> this.runner.run((b) -> {
			CachedCatalog first = a.getBean(CachedCatalog.class);
			CachedCatalog second = b.getBean(CachedCatalog.class);
			awaitSubscribed(a);
			awaitSubscribed(b);
			first.loadMillis(0);
			assertThat(first.product("2")).isEqualTo("product-2-v1");
			// A's fill reaches B's channel a moment later (across the cluster bus on Redis Cluster) and voids a
			// near copy B made before it arrived: B serves from memory from then on
			RecordingCacheListener listener = b.getBean(RecordingCacheListener.class);
			awaitUntil(() -> "product-2-v1".equals(second.product("2")) && listener.count("request.NEAR_HIT") > 0,
					Duration.ofSeconds(5));
			first.update("2", "changed in A");
			awaitUntil(() -> "changed in A".equals(second.product("2")), Duration.ofSeconds(5));
			assertThat(second.plainCalls()).as("B never ran the method").isZero();
		}));
	}

	@Test
	void aCacheEvictInOneInstanceIsSeenByTheOtherInstancesNextReads() {
		this.runner.run((a) -> this.runner.run((b) -> {
			CachedCatalog first = a.getBean(CachedCatalog.class);
			CachedCatalog second = b.getBean(CachedCatalog.class);
			awaitSubscribed(a);
			awaitSubscribed(b);
			first.loadMillis(0);
			second.loadMillis(0);
			first.product("3");
			second.product("3");
			assertThat(second.product("3")).isEqualTo("product-3-v1");
			second.version("v2");
			first.remove("3");
			awaitUntil(() -> "product-3-v2".equals(second.product("3")), Duration.ofSeconds(5));
			assertThat(second.plainCalls()).as("B loaded it again after the eviction").isEqualTo(1);
		}));
	}

	@Test
	void aReadWhoseGetBeganBeforeALocalEvictDoesNotPutTheOldValueBackIntoTheNearCache() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			RedisPatternsCache cache = awaitSubscribed(context);
			catalog.loadMillis(0);
			assertThat(catalog.product("5")).isEqualTo("product-5-v1");
			cache.clearNear();
			String read = readHeldAfterItsGet(context, () -> catalog.product("5"), () -> {
				catalog.version("v2");
				catalog.remove("5");
			});
			assertThat(read).as("the read itself began before the evict").isEqualTo("product-5-v1");
			assertThat(catalog.product("5")).as("the near cache does not serve the evicted value")
				.isEqualTo("product-5-v2");
		});
	}

	@Test
	void aReadWhoseGetBeganBeforeALocalPutDoesNotPutTheOldValueBackIntoTheNearCache() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			RedisPatternsCache cache = awaitSubscribed(context);
			catalog.loadMillis(0);
			assertThat(catalog.product("6")).isEqualTo("product-6-v1");
			cache.clearNear();
			String read = readHeldAfterItsGet(context, () -> catalog.product("6"),
					() -> catalog.update("6", "changed"));
			assertThat(read).isEqualTo("product-6-v1");
			assertThat(catalog.product("6")).isEqualTo("changed");
			assertThat(catalog.product("6")).isEqualTo("changed");
		});
	}

	/**
	 * Runs {@code read}, holds it once its {@code GET} has answered (before it fills the near cache), runs
	 * {@code meanwhile}, then lets the read finish.
	 */
	private static String readHeldAfterItsGet(ApplicationContext context, java.util.concurrent.Callable<String> read,
			Runnable meanwhile) throws Exception {
		RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
		CountDownLatch answered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicReference<Thread> reader = new AtomicReference<>();
		listener.onRequest((result) -> {
			if (Thread.currentThread() == reader.get() && result == CacheListener.Result.HIT) {
				answered.countDown();
				try {
					release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<String> reading = pool.submit(() -> {
				reader.set(Thread.currentThread());
				return read.call();
			});
			assertThat(answered.await(30, TimeUnit.SECONDS)).as("the read's GET answered").isTrue();
			meanwhile.run();
			release.countDown();
			return reading.get(30, TimeUnit.SECONDS);
		}
		finally {
			listener.onRequest((result) -> {
			});
			pool.shutdownNow();
		}
	}

	static RedisPatternsCache awaitSubscribed(ApplicationContext context) throws InterruptedException {
		RedisPatternsCache cache = (RedisPatternsCache) context.getBean(RedisPatternsCacheManager.class)
			.getCache("products");
		awaitUntil(cache::isSubscribed, Duration.ofSeconds(10));
		return cache;
	}

	// standalone only

	@Test
	@EnabledOnTopology(Topology.STANDALONE)
	void repeatedReadsAreAnsweredByTheNearCache() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
			awaitSubscribed(context);
			catalog.loadMillis(0);
			catalog.product("1");
			for (int i = 0; i < 10; i++) {
				assertThat(catalog.product("1")).isEqualTo("product-1-v1");
			}
			assertThat(listener.count("request.NEAR_HIT")).isEqualTo(10);
			assertThat(catalog.plainCalls()).isEqualTo(1);
		});
	}

	@Test
	@EnabledOnTopology(Topology.STANDALONE)
	void theNearCacheStartsEmptyAfterTheConnectionWasLost() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
			RedisPatternsCache cache = awaitSubscribed(context);
			catalog.loadMillis(0);
			catalog.product("4");
			catalog.product("4");
			assertThat(listener.count("request.NEAR_HIT")).isEqualTo(1);
			// in portable mode the near caches are cleared when the container confirms the new subscription, a
			// moment after Redis counts it: a listener registered after the cache manager's runs after its clear
			CountDownLatch resubscribed = new CountDownLatch(1);
			context.getBean(RedisSignals.class).onResubscribed(resubscribed::countDown);
			// natively the near caches are cleared by a Lettuce connection listener, which may run after Redis
			// counts the new subscription; Lettuce calls its listeners in no set order but in one task of the
			// connection's event loop, so a task this listener queues on that loop runs after the clear
			RedisConnector connector = context.getBean(RedisConnector.class);
			if (connector.isNative()) {
				connector.lettuce().getNativeClient().addListener(new RedisConnectionStateListener() {
					@Override
					public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
						if (connection instanceof StatefulRedisPubSubConnection) {
							ThreadExecutorMap.currentExecutor().execute(resubscribed::countDown);
						}
					}
				});
			}
			// invalidations published while the connection is down are lost
			this.redis.command("CLIENT", "KILL", "TYPE", "pubsub");
			awaitUntil(() -> subscribers(cache.channel()) == 1, Duration.ofSeconds(10));
			assertThat(resubscribed.await(10, TimeUnit.SECONDS)).as("reconnection reported").isTrue();
			listener.reset();
			catalog.product("4");
			assertThat(listener.count("request.NEAR_HIT")).as("near cache cleared on reconnect").isZero();
			assertThat(listener.count("request.HIT")).isEqualTo(1);
		});
	}

	@Test
	@EnabledOnTopology(Topology.STANDALONE)
	void aNearCacheEntryIsNeverServedLongerThanTheNearCacheTtl() {
		long ttlMillis = 500;
		this.runner.withPropertyValues("redis.patterns.cache.caches.products.near-cache.ttl=" + ttlMillis + "ms")
			.run((context) -> {
				CachedCatalog catalog = context.getBean(CachedCatalog.class);
				RedisPatternsCache cache = awaitSubscribed(context);
				catalog.loadMillis(0);
				assertThat(catalog.product("t")).isEqualTo("product-t-v1");
				long filled = System.nanoTime();
				// change Redis behind the near cache's back (no message): only its ttl ends the old copy
				try (CacheEngine raw = new CacheEngine(this.redis, CachePolicy.defaults())) {
					byte[] entry = CacheEntry.encode("\"changed\"".getBytes(java.nio.charset.StandardCharsets.UTF_8),
							System.currentTimeMillis() + 600_000, 1);
					raw.set(cache.entryKey("t"), entry, Duration.ofMinutes(10));
				}
				awaitUntil(() -> {
					long started = System.nanoTime();
					String value = catalog.product("t");
					if (value.equals("product-t-v1")) {
						assertThat(TimeUnit.NANOSECONDS.toMillis(started - filled))
							.as("the near copy is served only within its ttl").isLessThan(ttlMillis);
					}
					return value.equals("changed");
				}, Duration.ofSeconds(10));
			});
	}

	@Test
	@EnabledOnTopology(Topology.STANDALONE)
	void theNearCacheHoldsAtMostMaxSizeEntries() {
		this.runner.withPropertyValues("redis.patterns.cache.caches.products.near-cache.max-size=10").run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
			awaitSubscribed(context);
			catalog.loadMillis(0);
			for (int i = 0; i < 50; i++) {
				catalog.product("m" + i);
			}
			listener.reset();
			for (int i = 0; i < 50; i++) {
				assertThat(catalog.product("m" + i)).isEqualTo("product-m" + i + "-v1");
			}
			assertThat(listener.count("request.NEAR_HIT")).as("answered from memory").isLessThanOrEqualTo(10);
			assertThat(listener.count("request.HIT")).as("answered by Redis").isEqualTo(50 - listener.count("request.NEAR_HIT"));
			assertThat(catalog.plainCalls()).isEqualTo(50);
		});
	}

	private long subscribers(String channel) {
		List<?> reply = (List<?>) this.redis.command("PUBSUB", "NUMSUB", channel);
		return (Long) reply.get(1);
	}

}
