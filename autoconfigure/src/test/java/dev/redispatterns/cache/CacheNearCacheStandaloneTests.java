package dev.redispatterns.cache;

import java.time.Duration;
import java.util.List;

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

	private long subscribers(String channel) {
		List<?> reply = (List<?>) this.redis.command("PUBSUB", "NUMSUB", channel);
		return (Long) reply.get(1);
	}

}
