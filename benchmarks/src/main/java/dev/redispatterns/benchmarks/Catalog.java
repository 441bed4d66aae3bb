package dev.redispatterns.benchmarks;

import java.util.ArrayList;
import java.util.List;

import dev.redispatterns.benchmarks.cache.CacheHitWorkload;
import dev.redispatterns.benchmarks.cache.CacheSubject;
import dev.redispatterns.benchmarks.cache.RawCache;
import dev.redispatterns.benchmarks.cache.SpringCacheSubject;
import dev.redispatterns.benchmarks.cache.StampedeWorkload;
import dev.redispatterns.benchmarks.e2e.AbusedRateLimiter;
import dev.redispatterns.benchmarks.e2e.AnnotatedCache;
import dev.redispatterns.benchmarks.e2e.AnnotatedLock;
import dev.redispatterns.benchmarks.e2e.AnnotatedRateLimiter;
import dev.redispatterns.benchmarks.e2e.LockedCall;
import dev.redispatterns.benchmarks.e2e.PublicLockWorkload;
import dev.redispatterns.benchmarks.harness.Implementation;
import dev.redispatterns.benchmarks.harness.RawClient;
import dev.redispatterns.benchmarks.harness.Workload;
import dev.redispatterns.benchmarks.layers.AdviceBenchmark;
import dev.redispatterns.benchmarks.layers.CodecBenchmark;
import dev.redispatterns.benchmarks.layers.KeyExpressionBenchmark;
import dev.redispatterns.benchmarks.layers.LayerGroup;
import dev.redispatterns.benchmarks.layers.LayerGroup.Row;
import dev.redispatterns.benchmarks.layers.NearCacheBenchmark;
import dev.redispatterns.benchmarks.layers.ScriptExecutorBenchmark;
import dev.redispatterns.benchmarks.lock.LockCycleWorkload;
import dev.redispatterns.benchmarks.lock.LockHandoffWorkload;
import dev.redispatterns.benchmarks.lock.LockSubject;
import dev.redispatterns.benchmarks.lock.RedissonLockSubject;
import dev.redispatterns.benchmarks.lock.SpinLock;
import dev.redispatterns.benchmarks.lock.SpringIntegrationLockSubject;
import dev.redispatterns.benchmarks.lock.StarterLock;
import dev.redispatterns.benchmarks.ratelimit.Bucket4jRateLimiter;
import dev.redispatterns.benchmarks.ratelimit.RateLimitAbuseWorkload;
import dev.redispatterns.benchmarks.ratelimit.RateLimitPolicies;
import dev.redispatterns.benchmarks.ratelimit.RateLimitWorkload;
import dev.redispatterns.benchmarks.ratelimit.RateLimiterSubject;
import dev.redispatterns.benchmarks.ratelimit.RedissonRateLimiter;
import dev.redispatterns.benchmarks.ratelimit.ScriptRateLimiter;
import dev.redispatterns.benchmarks.ratelimit.StarterRateLimiter;
import dev.redispatterns.benchmarks.stream.LettuceStreamConsumer;
import dev.redispatterns.benchmarks.stream.SpringDataStreamContainer;
import dev.redispatterns.benchmarks.stream.StarterStreamConsumer;
import dev.redispatterns.benchmarks.stream.StreamSubject;
import dev.redispatterns.benchmarks.stream.StreamWorkload;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;

/**
 * Every workload and every implementation the suite measures, in report order. This is the one place
 * to register a new implementation: write a class implementing the family's subject interface and add
 * one line to the family's list below (see benchmarks/README.md).
 */
public final class Catalog {

	/** Rate-limit algorithms of this starter in report order; the first one's floor is the workloads' floor. */
	static final List<RateLimitAlgorithm> ALGORITHMS = List.of(RateLimitAlgorithm.GCRA, RateLimitAlgorithm.TOKEN_BUCKET,
			RateLimitAlgorithm.FIXED_WINDOW, RateLimitAlgorithm.SLIDING_WINDOW, RateLimitAlgorithm.SLIDING_LOG);

	/**
	 * Algorithms measured at 64 threads on the hot key: the run must stay under 15 minutes on two cores, and
	 * the 64-thread target (zero errors, at least 5× Bucket4j) is about contention on one key, which the
	 * other scripts meet in the same way (one atomic script per decision).
	 */
	static final List<RateLimitAlgorithm> ALGORITHMS_64 = List.of(RateLimitAlgorithm.GCRA,
			RateLimitAlgorithm.TOKEN_BUCKET);

	/** Rate limiters at 16 threads: one decision for one permit. */
	static final List<Implementation<RateLimiterSubject>> RATE_LIMITERS = rateLimiters(ALGORITHMS, true);

	/**
	 * Rate limiters at 64 threads: Redisson is left out to keep the run under 15 minutes; the 64-thread
	 * target compares with Bucket4j only.
	 */
	static final List<Implementation<RateLimiterSubject>> RATE_LIMITERS_64 = rateLimiters(ALGORITHMS_64, false);

	/**
	 * Per algorithm the floor (raw {@code EVALSHA} of the starter's own script, same key and arguments) and
	 * this starter with that floor as its ratio baseline; then the peers, whose ratios are to the first
	 * algorithm's floor.
	 */
	private static List<Implementation<RateLimiterSubject>> rateLimiters(List<RateLimitAlgorithm> algorithms,
			boolean redisson) {
		List<Implementation<RateLimiterSubject>> implementations = new ArrayList<>();
		for (RateLimitAlgorithm algorithm : algorithms) {
			String id = RateLimitPolicies.id(algorithm);
			String name = RateLimitPolicies.label(algorithm);
			implementations.add(Implementation.floor("lettuce-" + id,
					"raw Lettuce `EVALSHA` of the starter's `" + name + "` script",
					(context) -> ScriptRateLimiter.lettuce(context, algorithm), null));
			implementations.add(Implementation.starter("starter-" + id, "this starter, `" + name + "`",
					(context) -> new StarterRateLimiter(context, algorithm), "lettuce-" + id,
					(algorithm == RateLimitAlgorithm.SLIDING_LOG)
							? "the sliding log runs with a 100 ms window and a tenth of the limit (the same rate), so "
									+ "its sorted set stays small on the hot key; its floor uses the same policy"
							: null));
		}
		implementations.add(Implementation.peer("bucket4j", "Bucket4j (Lettuce, compare-and-swap)",
				Bucket4jRateLimiter::lettuce, null));
		if (redisson) {
			implementations.add(Implementation.peer("redisson", "Redisson `RRateLimiter`", RedissonRateLimiter::new,
					"Redisson decides with the client's clock inside its script; its permits are a sorted set."));
		}
		return List.copyOf(implementations);
	}

	/** Locks: acquire (waiting if needed) and release. */
	static final List<Implementation<LockSubject>> LOCKS = List.of(
			Implementation.floor("lettuce", "raw Lettuce `SET NX PX` + compare-and-delete `EVALSHA` (busy retry)",
					SpinLock::lettuce, null),
			Implementation.peer("redisson", "Redisson `RLock` (watchdog lease)", RedissonLockSubject::new, null),
			Implementation.peer("spring-integration", "Spring Integration `RedisLockRegistry` (spin-lock mode)",
					SpringIntegrationLockSubject::new, null),
			Implementation.starter("starter", "this starter `LockManager` (fixed 30 s lease)", StarterLock::new, null,
					"`tryLock(name, options)` with the workload's wait time and a fixed 30 s lease "
							+ "(like the floor's `PX 30000`), `unlock()`; waiters queue in Redis and the release hands "
							+ "the lock to the first of them and wakes it on the lock's channel."));

	/** Caches read through Spring's {@code Cache} API (the floor reads Redis directly). */
	static final List<Implementation<CacheSubject>> CACHES = List.of(
			Implementation.floor("lettuce", "raw Lettuce `GET` + Jackson decode", RawCache::decoding, null),
			Implementation.peer("sdr", "Spring Data Redis `RedisCacheManager` (default writer)",
					(context) -> SpringCacheSubject.springDataRedis(context, false), null),
			Implementation.peer("sdr-locking", "Spring Data Redis `RedisCacheManager` (locking writer)",
					(context) -> SpringCacheSubject.springDataRedis(context, true), null),
			Implementation.peer("redisson", "Redisson `RedissonSpringCacheManager`", SpringCacheSubject::redisson,
					"Redisson's Spring cache keeps a cache as one hash with per-entry TTLs (RMapCache), so a hit is a "
							+ "script; values use `TypedJsonJackson3Codec(String, Product)` because its default JSON codec "
							+ "cannot read records back."),
			Implementation.starter("starter", "this starter's `CacheManager`", SpringCacheSubject::starter, null,
					"default policy (no near cache; the near cache is measured in the layer-cost "
							+ "mode), values through its JSON codec (type ids, allow-list) behind a small entry header."));

	/** Get-or-load on a cold key: which implementations protect the loader. */
	static final List<Implementation<CacheSubject>> STAMPEDE = List.of(
			Implementation.floor("lettuce", "raw Lettuce `GET`, load, `SET` (no protection)", RawCache::decoding,
					null),
			Implementation.peer("sdr", "Spring Data Redis `RedisCacheManager` (default writer)",
					(context) -> SpringCacheSubject.springDataRedis(context, false), null),
			Implementation.peer("sdr-locking", "Spring Data Redis `RedisCacheManager` (locking writer)",
					(context) -> SpringCacheSubject.springDataRedis(context, true),
					"The locking writer locks the whole cache name while one caller loads; the others poll every 50 ms."),
			Implementation.peer("redisson", "Redisson `RedissonSpringCacheManager`", SpringCacheSubject::redisson,
					"Redisson's get-or-load takes an RLock per key."),
			Implementation.starter("starter", "this starter's `CacheManager` (single-flight lease)",
					SpringCacheSubject::starter, null,
					"get-or-load takes a lease per key in Redis; waiters in the same instance get "
							+ "the value handed over, those of other instances are woken by the holder's write on the "
							+ "cache's channel."));

	/** Stream consumers with acknowledgement. */
	static final List<Implementation<StreamSubject>> STREAMS = List.of(
			Implementation.floor("lettuce", "raw Lettuce `XREADGROUP` + one `XACK` per batch",
					LettuceStreamConsumer::new, null),
			Implementation.peer("sdr-container",
					"Spring Data Redis `StreamMessageListenerContainer` (ack per record)",
					SpringDataStreamContainer::new, null),
			Implementation.starter("starter", "this starter's `StreamConsumer` (what `@StreamGroupListener` runs)",
					StarterStreamConsumer::new, null,
					"one `StreamConsumer` per consumer (batches of 64, 100 ms poll, one handler "
							+ "thread each); it reports a message when its handler returned and sends the `XACK` (one "
							+ "per batch of finished entries) right after, asynchronously, so its latency excludes "
							+ "that last round trip; the pending count at the window's end and the drain check show "
							+ "that the acknowledgements keep up."));

	/**
	 * Public path, rate limits: per algorithm the floor, the engine and the annotated method (both with the
	 * floor of their script as baseline), then the peers.
	 */
	private static List<Implementation<RateLimiterSubject>> publicRateLimiters(List<RateLimitAlgorithm> algorithms) {
		List<Implementation<RateLimiterSubject>> implementations = new ArrayList<>();
		for (RateLimitAlgorithm algorithm : algorithms) {
			String id = RateLimitPolicies.id(algorithm);
			String name = RateLimitPolicies.label(algorithm);
			implementations.add(Implementation.floor("lettuce-" + id,
					"raw Lettuce `EVALSHA` of the starter's `" + name + "` script",
					(context) -> ScriptRateLimiter.lettuce(context, algorithm), null));
			implementations.add(Implementation.starter("engine-" + id, "this starter's `RateLimiter`, `" + name + "`",
					(context) -> new StarterRateLimiter(context, algorithm), "lettuce-" + id, null));
			implementations.add(Implementation.starter("annotated-" + id,
					"this starter, `@RateLimited` method, `" + name + "`",
					(context) -> new AnnotatedRateLimiter(context, algorithm), "lettuce-" + id,
					"a bean method `@RateLimited(value = \"" + id + "\", key = \"#key\")` in a Boot application "
							+ "(Actuator, Micrometer with a Prometheus registry, default settings)"));
		}
		implementations.add(Implementation.peer("bucket4j", "Bucket4j (Lettuce, compare-and-swap)",
				Bucket4jRateLimiter::lettuce, null));
		implementations.add(Implementation.peer("redisson", "Redisson `RRateLimiter`", RedissonRateLimiter::new, null));
		return List.copyOf(implementations);
	}

	/** Public path, refusals: the floor refusing with the same script, and the annotation with and without local rejections. */
	static final List<Implementation<RateLimiterSubject>> PUBLIC_ABUSE = List.of(
			Implementation.floor("lettuce-abuse", "raw Lettuce `EVALSHA` of the `fixed-window` script",
					(context) -> new ScriptRateLimiter(RawClient.lettuce(context), RateLimitPolicies.abuse()), null),
			Implementation.starter("annotated-abuse", "this starter, `@RateLimited` method (default settings)",
					(context) -> new AbusedRateLimiter(context, false), "lettuce-abuse",
					"every refusal is a round trip and a `RateLimitExceededException`"),
			Implementation.starter("annotated-abuse-local",
					"this starter, `@RateLimited` method, `local-rejections.enabled: true`",
					(context) -> new AbusedRateLimiter(context, true), "lettuce-abuse",
					"a refused key is refused without a round trip until Redis's retry-after"));

	/** Public path, locks: guarded calls through each implementation. */
	static final List<Implementation<LockedCall>> PUBLIC_LOCKS = List.of(
			Implementation.floor("lettuce", "raw Lettuce `SET NX PX` + compare-and-delete `EVALSHA` (busy retry)",
					(context) -> LockedCall.of(SpinLock.lettuce(context)), null),
			Implementation.peer("redisson", "Redisson `RLock` (watchdog lease)",
					(context) -> LockedCall.of(new RedissonLockSubject(context)), null),
			Implementation.peer("spring-integration", "Spring Integration `RedisLockRegistry` (spin-lock mode)",
					(context) -> LockedCall.of(new SpringIntegrationLockSubject(context)), null),
			Implementation.starter("engine", "this starter's `LockManager` (watchdog lease, fair)",
					(context) -> LockedCall.of(new StarterLock(context, null, true)), null, null),
			Implementation.starter("engine-non-fair", "this starter's `LockManager` (watchdog lease, non-fair)",
					(context) -> LockedCall.of(new StarterLock(context, null, false)), null, null),
			Implementation.starter("annotated", "this starter, `@DistributedLock` method (defaults: fair, watchdog)",
					(context) -> new AnnotatedLock(context, true), null,
					"`@DistributedLock(key = \"#name\")` on a bean method in a Boot application (Actuator, Micrometer "
							+ "with a Prometheus registry), default wait (5 s) and watchdog lease"),
			Implementation.starter("annotated-non-fair",
					"this starter, `@DistributedLock` method, `redis.patterns.lock.fair=false`",
					(context) -> new AnnotatedLock(context, false), null,
					"non-fair: a release hands the lock to a waiter of the same instance first (a bounded number of "
							+ "times in a row while other instances wait)"));

	/** Public path, cache hits: the raw `GET` floor (no decoding), the starter in a Boot application, peers. */
	static final List<Implementation<CacheSubject>> PUBLIC_CACHES = List.of(
			Implementation.floor("lettuce", "raw Lettuce `GET` (no decoding)", (context) -> RawCache.undecoded(RawClient.lettuce(context)), null),
			Implementation.peer("lettuce-decode", "raw Lettuce `GET` + Jackson decode", RawCache::decoding, null),
			Implementation.peer("sdr", "Spring Data Redis `RedisCacheManager` (default writer)",
					(context) -> SpringCacheSubject.springDataRedis(context, false), null),
			Implementation.starter("engine", "this starter's `CacheManager` built without Spring",
					SpringCacheSubject::starter, null, null),
			Implementation.starter("cache-manager", "this starter's `CacheManager` in a Boot application",
					(context) -> new AnnotatedCache(context, false), null,
					"`Cache.get(key, Product.class)` on the Boot context's `CacheManager` (Actuator, Micrometer with a "
							+ "Prometheus registry, default cache settings)"),
			Implementation.starter("annotated", "this starter, `@Cacheable` method",
					(context) -> new AnnotatedCache(context, true), null,
					"a bean method `@Cacheable(cacheNames = \"products\", key = \"#key\")` in the same Boot "
							+ "application; every call is a Redis hit (no near cache)"));

	/** Public path, stampede: the unprotected floor, the starter's `@Cacheable(sync = true)`, peers. */
	static final List<Implementation<CacheSubject>> PUBLIC_STAMPEDE = List.of(
			Implementation.floor("lettuce", "raw Lettuce `GET`, load, `SET` (no protection)", RawCache::decoding,
					null),
			Implementation.peer("sdr-locking", "Spring Data Redis `RedisCacheManager` (locking writer)",
					(context) -> SpringCacheSubject.springDataRedis(context, true), null),
			Implementation.starter("engine", "this starter's `CacheManager` built without Spring (`Cache.get(key, loader)`)",
					SpringCacheSubject::starter, null, null),
			Implementation.starter("annotated", "this starter, `@Cacheable(sync = true)` method",
					(context) -> new AnnotatedCache(context, true), null,
					"each instance is a Boot application; the method body runs the workload's 50 ms loader"));

	// Portable mode (workload ids e2e-jedis-*, -Dbench.include=jedis): the starter in a Boot application on
	// Jedis (spring.data.redis.client-type=jedis) next to raw Jedis and Jedis-based peers, every Jedis subject
	// on a pool of Clients.JEDIS_POOL_SIZE connections.

	/** Shown under the Jedis workloads' tables. */
	private static final String JEDIS_POOL_NOTE = "every Jedis subject borrows from a pool of 32 connections "
			+ "(`spring.data.redis.jedis.pool.max-active` and `max-idle` for the Boot application)";

	/** Portable mode, rate limits: token bucket on one hot key. */
	static final List<Implementation<RateLimiterSubject>> JEDIS_RATE_LIMITERS = List.of(
			Implementation.floor("jedis-tb", "raw Jedis `EVALSHA` of the starter's `token-bucket` script",
					(context) -> ScriptRateLimiter.jedis(context, RateLimitAlgorithm.TOKEN_BUCKET), JEDIS_POOL_NOTE),
			Implementation.starter("annotated-tb",
					"this starter on Jedis (portable mode), `@RateLimited` method, `token-bucket`",
					(context) -> new AnnotatedRateLimiter(context, RateLimitAlgorithm.TOKEN_BUCKET, true), "jedis-tb",
					"the public-path application with `spring.data.redis.client-type=jedis`: the starter runs every "
							+ "command through Spring Data Redis on the calling thread"),
			Implementation.peer("bucket4j", "Bucket4j (Jedis, compare-and-swap)", Bucket4jRateLimiter::jedis,
					"`bucket4j_jdk17-jedis` 8.17.0 (Bucket4j publishes no Jedis module for 8.19.0) on the 8.19.0 core"));

	/** Portable mode, cache hits through {@code CacheManager}. */
	static final List<Implementation<CacheSubject>> JEDIS_CACHES = List.of(
			Implementation.floor("jedis", "raw Jedis `GET` (no decoding)", (context) -> RawCache.undecoded(RawClient.jedis(context)), JEDIS_POOL_NOTE),
			Implementation.peer("sdr", "Spring Data Redis `RedisCacheManager` on `JedisConnectionFactory` (default writer)",
					SpringCacheSubject::springDataRedisOnJedis, null),
			Implementation.starter("cache-manager", "this starter's `CacheManager` in a Boot application on Jedis",
					(context) -> new AnnotatedCache(context, false, true), null,
					"`Cache.get(key, Product.class)` on the Boot context's `CacheManager`, "
							+ "`spring.data.redis.client-type=jedis` (portable mode)"));

	/** Portable mode, lock cycles. */
	static final List<Implementation<LockedCall>> JEDIS_LOCKS = List.of(
			Implementation.floor("jedis", "raw Jedis `SET NX PX` + compare-and-delete `EVALSHA` (busy retry)",
					(context) -> LockedCall.of(SpinLock.jedis(context)), JEDIS_POOL_NOTE),
			Implementation.peer("spring-integration",
					"Spring Integration `RedisLockRegistry` on `JedisConnectionFactory` (spin-lock mode)",
					(context) -> LockedCall.of(SpringIntegrationLockSubject.onJedis(context)), null),
			Implementation.starter("annotated", "this starter on Jedis (portable mode), `@DistributedLock` method",
					AnnotatedLock::onJedis, null,
					"the public-path application with `spring.data.redis.client-type=jedis`, lock defaults (fair, "
							+ "watchdog lease)"));

	static final List<Workload> WORKLOADS = List.of(
			new RateLimitWorkload("ratelimit-hot-16", "Rate-limit decision, one hot key, 16 threads", 1, 16,
					RATE_LIMITERS),
			new RateLimitWorkload("ratelimit-spread-16", "Rate-limit decision, 10,000 keys, 16 threads", 10_000, 16,
					RATE_LIMITERS),
			new RateLimitWorkload("ratelimit-hot-64", "Rate-limit decision, one hot key, 64 threads", 1, 64,
					RATE_LIMITERS_64),
			new LockCycleWorkload("lock-uncontended", "Lock acquire + release, uncontended (own keys), 16 threads", 16,
					LOCKS),
			new LockHandoffWorkload("lock-handoff-1jvm", "Lock hand-off, one key, 16 threads in 1 JVM", 16, 1, LOCKS),
			new LockHandoffWorkload("lock-handoff-4jvm", "Lock hand-off, one key, 16 threads over 4 JVMs", 16, 4, LOCKS),
			new CacheHitWorkload("cache-hit", "Cache hit through Spring's `Cache` API, 1,000 keys, 16 threads", 1_000, 16,
					CACHES),
			new StampedeWorkload("stampede-1", "Stampede: 64 callers on a cold key, one cache-manager instance", 1,
					STAMPEDE),
			new StampedeWorkload("stampede-2", "Stampede: 64 callers on a cold key, two cache-manager instances", 2,
					STAMPEDE),
			new StreamWorkload("stream-1", "Stream end to end with acknowledgement, 1 consumer", 1, STREAMS),
			new StreamWorkload("stream-3", "Stream end to end with acknowledgement, 3 consumers", 3, STREAMS),
			new RateLimitWorkload("e2e-ratelimit-hot", "Public path: `@RateLimited`, one hot key, 16 threads", 1, 16,
					publicRateLimiters(List.of(RateLimitAlgorithm.TOKEN_BUCKET, RateLimitAlgorithm.SLIDING_WINDOW))),
			new RateLimitWorkload("e2e-ratelimit-spread", "Public path: `@RateLimited` token bucket, 10,000 keys, 16 threads",
					10_000, 16, publicRateLimiters(List.of(RateLimitAlgorithm.TOKEN_BUCKET))),
			new RateLimitAbuseWorkload("e2e-ratelimit-abuse",
					"Public path: `@RateLimited`, one key hammered far above its limit, 16 threads", 16,
					PUBLIC_ABUSE),
			new PublicLockWorkload("e2e-lock-cycle",
					"Public path: `@DistributedLock` acquire + release (default lease), 16 threads", 16, 1, false,
					PUBLIC_LOCKS.stream().filter((i) -> !i.id().endsWith("non-fair")).toList()),
			new PublicLockWorkload("e2e-lock-handoff-4jvm", "Public path: lock hand-off, one key, 16 threads over 4 JVMs",
					16, 4, true, PUBLIC_LOCKS),
			new CacheHitWorkload("e2e-cache-hit", "Public path: cache hit through `CacheManager` / `@Cacheable`, 1,000 keys, 16 threads",
					1_000, 16, PUBLIC_CACHES),
			new StampedeWorkload("e2e-stampede-2", "Public path: stampede, 64 callers, two application instances", 2,
					PUBLIC_STAMPEDE),
			new RateLimitWorkload("e2e-jedis-ratelimit-hot",
					"Portable mode on Jedis: `@RateLimited` token bucket, one hot key, 16 threads", 1, 16,
					JEDIS_RATE_LIMITERS),
			new CacheHitWorkload("e2e-jedis-cache-hit",
					"Portable mode on Jedis: cache hit through `CacheManager`, 1,000 keys, 16 threads", 1_000, 16,
					JEDIS_CACHES),
			new PublicLockWorkload("e2e-jedis-lock-cycle",
					"Portable mode on Jedis: `@DistributedLock` acquire + release (default lease), 16 threads", 16, 1,
					false, JEDIS_LOCKS));

	/** Layer-cost mode: JMH, one thread, average time per call. */
	static final List<LayerGroup> LAYERS = List.of(
			new LayerGroup("near-cache-hit", "Near-cache hit", "In-process hits over 1,000 keys through Spring's "
					+ "`Cache` API; target for the starter's near cache: under 1 µs.", NearCacheBenchmark.class,
					List.of(Row.baseline("caffeineGetIfPresent", "Caffeine `getIfPresent` (raw in-process map)"),
							Row.layer("springCaffeineCacheGet",
									"Spring `CaffeineCache.get(key, type)` (floor of a near-cache hit via Spring's API)",
									"caffeineGetIfPresent"),
							Row.layer("starterNearCacheGet",
									"this starter's near cache via `Cache.get(key, type)` (in front of Redis)",
									"springCaffeineCacheGet"),
							Row.notApplicable("Spring Data Redis `RedisCacheManager`",
									"not applicable: it has no near cache"),
							Row.notApplicable("Redisson Spring cache",
									"not applicable: the open-source redisson-spring-cache artifact has no local-cached "
											+ "cache manager"))),
			new LayerGroup("layers-spel", "Layer cost: SpEL key evaluation",
					"`KeyExpressionEvaluator.evaluate` per call (parsed expression cached) against building the key in "
							+ "Java.",
					KeyExpressionBenchmark.class,
					List.of(Row.baseline("handWrittenKey", "hand-written `\"order:\" + order.getId()`"),
							Row.layer("spelArgument", "`#userId`", "handWrittenKey"),
							Row.layer("spelPropertyConcatenation", "`'order:' + #order.id`", "handWrittenKey"))),
			new LayerGroup("layers-codec", "Layer cost: value codec (~200-byte value)",
					"`JsonValueCodec` against a plain Jackson `JsonMapper` on the cache workloads' value.",
					CodecBenchmark.class,
					List.of(Row.baseline("jacksonWrite", "Jackson `writeValueAsBytes`"),
							Row.layer("codecWrite", "codec `write` (plain JSON)", "jacksonWrite"),
							Row.layer("codecEncode", "codec `encode` (type ids, allow-list)", "jacksonWrite"),
							Row.baseline("jacksonRead", "Jackson `readValue(bytes, type)`"),
							Row.layer("codecRead", "codec `read(bytes, type)`", "jacksonRead"),
							Row.layer("codecDecode", "codec `decode` (type ids, allow-list)", "jacksonRead"),
							Row.layer("codecDecodeForType", "codec `decode(typeId, …)` (class in the cache entry's header)",
									"jacksonRead"))),
			new LayerGroup("layers-script", "Layer cost: script execution (one round trip, 1 thread)",
					"`ScriptExecutor.call` against `EVALSHA` on the same Lettuce connection, the starter's GCRA "
							+ "rate-limit script.",
					ScriptExecutorBenchmark.class,
					List.of(Row.baseline("rawEvalsha", "raw `EVALSHA` (`async().evalsha(...).get()`)"),
							Row.layer("scriptExecutorCall", "`ScriptExecutor.call`", "rawEvalsha")))
				.withWarmupSeconds(3),
			new LayerGroup("layers-advice", "Layer cost: annotation advice (1 thread)",
					"A call of an advised bean method in a Spring Boot context (the starter's auto-configuration, "
							+ "`@EnableCaching`) against calling the same context's engine with what the advice passes "
							+ "it. The Redis round trips are the same on both sides, so with Redis the difference is "
							+ "small next to the round trip and its noise; the `@Cacheable` pair uses a near-cache hit, "
							+ "which takes no round trip, so it shows what the caching advice itself costs.",
					AdviceBenchmark.class,
					List.of(Row.baseline("rateLimitEngine", "`RateLimiter.tryAcquire` (1 `EVALSHA`)"),
							Row.layer("rateLimitAdvice", "`@RateLimited(value = \"bench\", key = \"#userId\")` method",
									"rateLimitEngine"),
							Row.baseline("lockEngine", "`LockManager.lock` + `unlock` (2 `EVALSHA`)"),
							Row.layer("lockAdvice", "`@DistributedLock(key = \"'order:' + #orderId\")` method",
									"lockEngine"),
							Row.baseline("nearCacheEngine", "`Cache.get(key, type)` on a near-cache hit"),
							Row.layer("nearCacheAdvice", "`@Cacheable` method, near-cache hit", "nearCacheEngine")))
				.withWarmupSeconds(4));

	private Catalog() {
	}

	public static List<Workload> workloads() {
		return WORKLOADS;
	}

	public static List<LayerGroup> layers() {
		return LAYERS;
	}

	public static Workload workload(String id) {
		return WORKLOADS.stream()
			.filter((workload) -> workload.id().equals(id))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown workload " + id));
	}

}
