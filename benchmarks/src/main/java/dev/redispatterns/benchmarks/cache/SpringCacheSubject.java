package dev.redispatterns.benchmarks.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;
import org.redisson.codec.TypedJsonJackson3Codec;
import org.redisson.spring.cache.CacheConfig;
import org.redisson.spring.cache.RedissonSpringCacheManager;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

import dev.redispatterns.benchmarks.harness.CellContext;
import dev.redispatterns.benchmarks.harness.Clients;
import dev.redispatterns.benchmarks.harness.StarterCore;
import dev.redispatterns.cache.CachePolicy;
import dev.redispatterns.cache.RedisPatternsCache;
import dev.redispatterns.cache.RedisPatternsCacheManager;
import dev.redispatterns.core.JsonValueCodec;

/**
 * Any Spring {@link CacheManager}, driven through Spring's {@link Cache} API exactly as the caching
 * annotations call it: {@code get(key, type)} for a read, {@code get(key, loader)} for
 * {@code @Cacheable(sync = true)}. The factories build each measured manager with a JSON value format
 * and a 10 minute TTL.
 */
public final class SpringCacheSubject implements CacheSubject {

	/** Name of the cache every workload uses. */
	public static final String CACHE = "products";

	/** Time to live of every measured cache's entries. */
	public static final Duration TTL = Duration.ofMinutes(10);

	private final Cache cache;

	private final AutoCloseable resources;

	public SpringCacheSubject(CacheManager manager, AutoCloseable resources) {
		this.cache = manager.getCache(CACHE);
		this.resources = resources;
	}

	/** Spring Data Redis's {@code RedisCacheManager} with its JSON serializer (type ids, allow-listed). */
	public static SpringCacheSubject springDataRedis(CellContext context, boolean locking) {
		return springDataRedis(Clients.springConnectionFactory(context), locking);
	}

	/** The same {@code RedisCacheManager} on Jedis ({@link Clients#jedisConnectionFactory}), default writer. */
	public static SpringCacheSubject springDataRedisOnJedis(CellContext context) {
		return springDataRedis(Clients.jedisConnectionFactory(context), false);
	}

	private static <F extends RedisConnectionFactory & DisposableBean> SpringCacheSubject springDataRedis(F factory,
			boolean locking) {
		RedisCacheWriter writer = locking ? RedisCacheWriter.lockingRedisCacheWriter(factory)
				: RedisCacheWriter.nonLockingRedisCacheWriter(factory);
		GenericJacksonJsonRedisSerializer json = GenericJacksonJsonRedisSerializer.builder()
			.enableDefaultTyping(BasicPolymorphicTypeValidator.builder()
				.allowIfSubType(Product.class.getPackageName() + ".")
				.allowIfSubType("java.util.")
				.build())
			.enableSpringCacheNullValueSupport()
			.build();
		RedisCacheManager manager = RedisCacheManager.builder(writer)
			.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
				.entryTtl(TTL)
				.serializeValuesWith(SerializationPair.fromSerializer(json)))
			.build();
		manager.afterPropertiesSet();
		return new SpringCacheSubject(manager, factory::destroy);
	}

	/**
	 * Redisson's Spring cache manager (a hash with per-entry TTL) with its typed Jackson 3 JSON codec: its
	 * default {@code JsonJackson3Codec} writes no type id for final classes such as records and then cannot
	 * read them back.
	 */
	public static SpringCacheSubject redisson(CellContext context) throws Exception {
		RedissonClient redisson = Clients.redisson(context);
		RedissonSpringCacheManager manager = new RedissonSpringCacheManager(redisson,
				Map.of(CACHE, new CacheConfig(TTL.toMillis(), 0)), new TypedJsonJackson3Codec(String.class, Product.class));
		manager.afterPropertiesSet();
		return new SpringCacheSubject(manager, redisson::shutdown);
	}

	/**
	 * This starter's {@code RedisPatternsCacheManager} as its auto-configuration builds it (default policy:
	 * stampede protection on, no near cache, no refresh-ahead), the cache's TTL set to the others' 10
	 * minutes, values through the starter's JSON codec with the benchmark's package allowed. Waits until
	 * the cache's channel subscription is confirmed, as it is in a running application.
	 */
	public static SpringCacheSubject starter(CellContext context) throws InterruptedException {
		StarterCore core = new StarterCore(context);
		RedisPatternsCacheManager manager = starterManager(core, CachePolicy.builder().ttl(TTL).build());
		awaitSubscribed(manager, CACHE);
		return new SpringCacheSubject(manager, () -> {
			manager.close();
			core.close();
		});
	}

	/** A starter cache manager on {@code core} whose cache {@link #CACHE} has {@code policy}. */
	public static RedisPatternsCacheManager starterManager(StarterCore core, CachePolicy policy) {
		RedisPatternsCacheManager manager = RedisPatternsCacheManager
			.builder(core.connector(), core.signals(), core.keys(),
					JsonValueCodec.forPackages(Product.class.getPackageName()))
			.scriptExecutor(core.scripts())
			.defaults(policy)
			.cache(CACHE, policy)
			.build();
		manager.start();
		return manager;
	}

	/** Waits (at most 30 s) until the cache's channel subscription is confirmed. */
	public static void awaitSubscribed(CacheManager manager, String name) throws InterruptedException {
		RedisPatternsCache cache = (RedisPatternsCache) manager.getCache(name);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!cache.isSubscribed()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("channel of cache " + name + " not subscribed within 30 s");
			}
			Thread.sleep(5);
		}
	}

	@Override
	public @Nullable Product get(String key) {
		return this.cache.get(key, Product.class);
	}

	@Override
	public void put(String key, Product value) {
		this.cache.put(key, value);
	}

	@Override
	public Product get(String key, Callable<Product> loader) {
		return this.cache.get(key, loader);
	}

	@Override
	public void close() throws Exception {
		this.resources.close();
	}

}
