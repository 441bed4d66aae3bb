package dev.redispatterns.benchmarks.layers;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.redispatterns.autoconfigure.RedisPatternsAutoConfiguration;
import dev.redispatterns.autoconfigure.cache.RedisPatternsCacheAutoConfiguration;
import dev.redispatterns.autoconfigure.lock.RedisPatternsLockAutoConfiguration;
import dev.redispatterns.autoconfigure.ratelimit.RedisPatternsRateLimitAutoConfiguration;
import dev.redispatterns.benchmarks.cache.Product;
import dev.redispatterns.benchmarks.cache.SpringCacheSubject;
import dev.redispatterns.benchmarks.ratelimit.RateLimitWorkload;
import dev.redispatterns.lock.LockHandle;
import dev.redispatterns.lock.LockManager;
import dev.redispatterns.lock.LockRequest;
import dev.redispatterns.ratelimit.RateLimiter;

/**
 * Cost of the starter's annotation advice: a call of an {@code @RateLimited}, {@code @DistributedLock} or
 * {@code @Cacheable} method of a bean in a Spring Boot application context (the starter's
 * auto-configuration, Boot's AOP and cache auto-configuration, {@code @EnableCaching}) against calling the
 * engine bean of the same context directly with what the advice passes it. The difference is the proxy,
 * the SpEL key, the operation lookup and the advice's bookkeeping; the Redis round trips are the same on
 * both sides. {@code @Cacheable} is measured on a near-cache hit, which takes no round trip, so the
 * difference is the caching advice alone (Spring's cache interceptor and the starter's single-flight
 * advisor). No {@code MeterRegistry}: no metrics on either side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdviceBenchmark {

	static final String POLICY = "bench";

	static final String NEAR_CACHE = "near";

	private static final long ID = 42;

	private static final String USER = "user-42";

	private ConfigurableApplicationContext context;

	private AdvisedService service;

	private RateLimiter limiter;

	private LockManager locks;

	/** What the advice passes for {@code @DistributedLock(leaseTime = "30s")}: default wait 5 s. */
	private final LockRequest lockOptions = new LockRequest(Duration.ofSeconds(5), Duration.ofSeconds(30),
			LockRequest.UNNAMED);

	private final String lockName = "order:" + ID;

	private Cache nearCache;

	/** Times the {@code @Cacheable} body ran before the measurement. */
	private long loaded;

	@Setup
	public void setUp() throws InterruptedException {
		URI redis = LayerSuite.redis();
		this.context = new SpringApplicationBuilder(AdviceApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("spring.data.redis.host=" + redis.getHost(), "spring.data.redis.port=" + redis.getPort(),
					"redis.patterns.codec.allowed-packages=" + Product.class.getPackageName(),
					"redis.patterns.rate-limit.policies." + POLICY + ".algorithm=gcra",
					"redis.patterns.rate-limit.policies." + POLICY + ".limit=" + RateLimitWorkload.LIMIT_PER_SECOND,
					"redis.patterns.rate-limit.policies." + POLICY + ".window=1s",
					"redis.patterns.cache.caches." + NEAR_CACHE + ".near-cache.enabled=true",
					"redis.patterns.cache.caches." + NEAR_CACHE + ".near-cache.ttl=10m")
			.run();
		this.service = this.context.getBean(AdvisedService.class);
		if (!AopUtils.isAopProxy(this.service)) {
			throw new IllegalStateException("advice benchmark: the service is not proxied");
		}
		this.limiter = this.context.getBean(RateLimiter.class);
		this.locks = this.context.getBean(LockManager.class);
		CacheManager caches = this.context.getBean(CacheManager.class);
		// near-cache entries are kept only once the cache's invalidation channel is subscribed
		SpringCacheSubject.awaitSubscribed(caches, NEAR_CACHE);
		this.nearCache = caches.getCache(NEAR_CACHE);
		// the first call loads and stores (or reads what an earlier fork stored); from then on every call
		// must be a near-cache hit
		this.service.nearProduct(ID);
		this.loaded = this.service.loads();
		for (int i = 0; i < 100; i++) {
			this.service.nearProduct(ID);
		}
		if (this.service.loads() != this.loaded || this.nearCache.get(ID, Product.class) == null) {
			throw new IllegalStateException("advice benchmark: cached calls are not hits");
		}
	}

	@TearDown
	public void tearDown() {
		if (this.service != null && this.service.loads() != this.loaded) {
			throw new IllegalStateException("advice benchmark: the @Cacheable body ran again during the benchmark ("
					+ this.service.loads() + " times in all)");
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Benchmark
	public Object rateLimitEngine() {
		return this.limiter.tryAcquire(POLICY, USER, 1);
	}

	@Benchmark
	public Object rateLimitAdvice() {
		return this.service.limited(USER);
	}

	@Benchmark
	public boolean lockEngine() {
		LockHandle handle = this.locks.lock(this.lockName, this.lockOptions);
		return handle.unlock();
	}

	@Benchmark
	public long lockAdvice() {
		return this.service.locked(ID);
	}

	@Benchmark
	public Object nearCacheEngine() {
		return this.nearCache.get(ID, Product.class);
	}

	@Benchmark
	public Object nearCacheAdvice() {
		return this.service.nearProduct(ID);
	}

	/** The application: the starter's auto-configuration for these features and one advised bean. */
	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, AopAutoConfiguration.class,
			CacheAutoConfiguration.class, RedisPatternsAutoConfiguration.class,
			RedisPatternsRateLimitAutoConfiguration.class, RedisPatternsLockAutoConfiguration.class,
			RedisPatternsCacheAutoConfiguration.class })
	public static class AdviceApplication {

		@Bean
		AdvisedService advisedService() {
			return new AdvisedService();
		}

	}

}
