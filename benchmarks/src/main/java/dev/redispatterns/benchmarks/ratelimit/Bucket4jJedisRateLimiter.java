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
import redis.clients.jedis.JedisPool;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;

/**
 * Bucket4j's Jedis backend as its documentation sets it up: a compare-and-swap proxy manager on a
 * {@code JedisPool} (here of {@link Clients#JEDIS_POOL_SIZE} connections), keys expiring once the bucket
 * would be full again; the same bucket as {@link Bucket4jRateLimiter}.
 */
public final class Bucket4jJedisRateLimiter implements RateLimiterSubject {

	private final JedisPool pool;

	private final ProxyManager<byte[]> proxyManager;

	private final BucketConfiguration configuration;

	private final Map<String, BucketProxy> buckets = new ConcurrentHashMap<>();

	public Bucket4jJedisRateLimiter(CellContext context) {
		this.pool = Clients.jedisPool(context);
		this.proxyManager = Bucket4jJedis.casBasedBuilder(this.pool)
			.expirationAfterWrite(
					ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
			.build();
		long limit = RateLimitWorkload.LIMIT_PER_SECOND;
		this.configuration = BucketConfiguration.builder()
			.addLimit((bandwidth) -> bandwidth.capacity(limit).refillGreedy(limit, Duration.ofSeconds(1)))
			.build();
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
	public void close() {
		this.pool.close();
	}

}
