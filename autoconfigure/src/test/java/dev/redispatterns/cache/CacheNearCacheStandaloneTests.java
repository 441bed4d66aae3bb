package dev.redispatterns.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static dev.redispatterns.cache.RedisPatternsCacheContractTests.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

@RedisTest
class CacheNearCacheStandaloneTests extends CacheNearCacheContractTests {

	CacheNearCacheStandaloneTests(RedisDeployment redis) {
		super(redis);
	}

	@Test
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
	void theNearCacheStartsEmptyAfterTheConnectionWasLost() {
		this.runner.run((context) -> {
			CachedCatalog catalog = context.getBean(CachedCatalog.class);
			RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
			RedisPatternsCache cache = awaitSubscribed(context);
			catalog.loadMillis(0);
			catalog.product("4");
			catalog.product("4");
			assertThat(listener.count("request.NEAR_HIT")).isEqualTo(1);
			// invalidations published while the connection is down are lost
			this.redis.command("CLIENT", "KILL", "TYPE", "pubsub");
			awaitUntil(() -> subscribers(cache.channel()) == 1, Duration.ofSeconds(10));
			listener.reset();
			catalog.product("4");
			assertThat(listener.count("request.NEAR_HIT")).as("near cache cleared on reconnect").isZero();
			assertThat(listener.count("request.HIT")).isEqualTo(1);
		});
	}

	@Test
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
