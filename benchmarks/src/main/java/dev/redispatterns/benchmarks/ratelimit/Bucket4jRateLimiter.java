package dev.redispatterns.benchmarks.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import redis.clients.jedis.JedisPool;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * Bucket4j's Redis backends as its documentation sets them up: a compare-and-swap proxy manager (read
 * state, compute on the client, write back if unchanged; retry on conflict) on a Lettuce client or on a
 * {@code JedisPool} (here of {@link Clients#JEDIS_POOL_SIZE} connections), keys expiring once the bucket
 * would be full again; the same bucket on both.
 */
public final class Bucket4jRateLimiter implements RateLimiterSubject {

	private static final ExpirationAfterWriteStrategy EXPIRATION = ExpirationAfterWriteStrategy
		.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));

	private final ProxyManager<byte[]> proxyManager;

	private final AutoCloseable client;

	private final BucketConfiguration configuration;

	private final Map<String, BucketProxy> buckets = new ConcurrentHashMap<>();

	private Bucket4jRateLimiter(ProxyManager<byte[]> proxyManager, AutoCloseable client) {
		this.proxyManager = proxyManager;
		this.client = client;
		long limit = RateLimitWorkload.LIMIT_PER_SECOND;
		this.configuration = BucketConfiguration.builder()
			.addLimit((bandwidth) -> bandwidth.capacity(limit).refillGreedy(limit, Duration.ofSeconds(1)))
			.build();
	}

	public static Bucket4jRateLimiter lettuce(CellContext context) {
		RedisClient client = Clients.lettuce(context);
		return new Bucket4jRateLimiter(Bucket4jLettuce.casBasedBuilder(client).expirationAfterWrite(EXPIRATION).build(),
				client::shutdown);
	}

	public static Bucket4jRateLimiter jedis(CellContext context) {
		JedisPool pool = Clients.jedisPool(context);
		return new Bucket4jRateLimiter(Bucket4jJedis.casBasedBuilder(pool).expirationAfterWrite(EXPIRATION).build(),
				pool);
	}

	@Override
	public void prepare(List<String> keys) {
		for (String key : keys) {
			this.buckets.put(key,
					this.proxyManager.builder().build(key.getBytes(StandardCharsets.UTF_8), () -> this.configuration));
		}
	}

	@Override
	public boolean tryAcquire(String key) {
		return this.buckets.get(key).tryConsume(1);
	}

	@Override
	public void close() throws Exception {
		this.client.close();
	}

}
