package dev.redispatterns.cache;

import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.atomic.AtomicInteger;

import com.example.app.AppEnvelope;
import com.example.app.AppValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;

import dev.redispatterns.core.JsonValueCodec;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisPatternsThreads;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTopologies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cache engine against a real Redis, without Spring; run against every topology.
 */
@Tag("portable")
@RedisTopologies
class RedisPatternsCacheContractTests {

	private final RedisDeployment redis;

	private CacheEngine engine;

	private ExecutorService threads;

	RedisPatternsCacheContractTests(RedisDeployment redis) {
		this.redis = redis;
	}

	@BeforeEach
	void start() {
		this.redis.flushAll();
		this.engine = new CacheEngine(this.redis,
				CachePolicy.builder().timeout(Duration.ofSeconds(2)).lockTimeout(Duration.ofSeconds(20)).build());
		this.threads = Executors.newFixedThreadPool(64);
	}

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
		this.engine.close();
	}

	@Test
	void storedValuesAndNullsComeBack() {
		RedisPatternsCache cache = this.engine.cache("values");
		cache.put("a", new AppValue("x"));
		cache.put(new SimpleKey(1, "b"), List.of(1L, 2L));
		cache.put("nothing", null);
		assertThat(cache.get("a").get()).isEqualTo(new AppValue("x"));
		assertThat(cache.get(new SimpleKey(1, "b")).get()).isEqualTo(List.of(1L, 2L));
		assertThat(cache.get("nothing")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		assertThat(cache.get("absent")).isNull();
		assertThat(cache.get("a", AppValue.class)).isEqualTo(new AppValue("x"));
		assertThatThrownBy(() -> cache.get("a", String.class)).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void everyKeyWrittenHasATimeToLive() {
		RedisPatternsCache cache = this.engine.cache("ttl");
		cache.put("a", "x");
		cache.get("b", () -> "y");
		assertThat(keys("rp:cache:*")).hasSize(2);
		for (String key : keys("rp:cache:*")) {
			assertThat(this.engine.pttl(key)).as(key).isPositive();
		}
	}

	@Test
	void timeToLiveIsTheCachesTtlMinusAtMostTheJitter() {
		try (CacheEngine engine = new CacheEngine(this.redis, CachePolicy.defaults(),
				(builder) -> builder.cache("jittered", CachePolicy.builder()
					.ttl(Duration.ofSeconds(100))
					.ttlJitterPercent(20)
					.timeout(Duration.ofSeconds(5))
					.build()))) {
			RedisPatternsCache cache = engine.cache("jittered");
			List<Long> ttls = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				cache.put("k" + i, i);
				ttls.add(engine.pttl(cache.entryKey("k" + i)));
			}
			assertThat(ttls).allSatisfy((ttl) -> assertThat(ttl).isBetween(79_000L, 100_000L));
			assertThat(ttls.stream().distinct().count()).as("jitter spreads expiries").isGreaterThan(20);
		}
	}

	@Test
	void nullsAreCachedForTheNullTtlOnly() throws Exception {
		try (CacheEngine engine = new CacheEngine(this.redis, CachePolicy.defaults(),
				(builder) -> builder.cache("nulls", CachePolicy.builder()
					.ttl(Duration.ofHours(1))
					.nullTtl(Duration.ofSeconds(2))
					.ttlJitterPercent(0)
					.timeout(Duration.ofSeconds(5))
					.build()))) {
			RedisPatternsCache cache = engine.cache("nulls");
			AtomicInteger loads = new AtomicInteger();
			Callable<String> missingRow = () -> {
				loads.incrementAndGet();
				return null;
			};
			assertThat(cache.get("id-404", missingRow)).isNull();
			assertThat(cache.get("id-404", missingRow)).isNull();
			assertThat(loads).as("the null result is cached").hasValue(1);
			assertThat(engine.pttl(cache.entryKey("id-404"))).isBetween(1L, 2_000L);
			cache.put("present", "v");
			assertThat(engine.pttl(cache.entryKey("present"))).isGreaterThan(3_500_000L);
			awaitUntil(() -> cache.get("id-404") == null, Duration.ofSeconds(10));
			assertThat(cache.get("id-404", missingRow)).isNull();
			assertThat(loads).as("loaded again once the null-ttl passed").hasValue(2);
		}
	}

	@Test
	void nullsAreNotStoredWhenNullCachingIsOff() {
		try (CacheEngine engine = new CacheEngine(this.redis,
				CachePolicy.builder().cacheNulls(false).timeout(Duration.ofSeconds(5)).build())) {
			RedisPatternsCache cache = engine.cache("no-nulls");
			AtomicInteger loads = new AtomicInteger();
			cache.get("k", () -> {
				loads.incrementAndGet();
				return null;
			});
			cache.get("k", () -> {
				loads.incrementAndGet();
				return null;
			});
			assertThat(loads).hasValue(2);
			assertThat(keys("rp:cache:*")).noneMatch((key) -> key.endsWith("}"));
			cache.put("present", "value");
			cache.put("present", null);
			assertThat(cache.get("present")).as("putting null removes the entry").isNull();
		}
	}

	@Test
	void sixtyFourCallersOfAColdKeyLoadItOnceWithFewCommandsEach() throws Exception {
		RedisPatternsCache cache = this.engine.cache("stampede");
		// Redis learns the scripts on their first use (NOSCRIPT, then EVAL); measure the steady state
		cache.get("hot", () -> "warm-up");
		cache.evict("hot");
		awaitUntil(cache::isSubscribed, Duration.ofSeconds(10));
		this.engine.listener.reset();
		AtomicInteger loads = new AtomicInteger();
		long before = this.engine.commands.get();
		List<String> results = concurrently(64, () -> cache.get("hot", () -> {
			loads.incrementAndGet();
			Thread.sleep(300);
			return "loaded";
		}));
		assertThat(loads).hasValue(1);
		assertThat(results).hasSize(64).containsOnly("loaded");
		assertThat(this.engine.listener.count("load.success")).isEqualTo(1);
		long commands = this.engine.commands.get() - before;
		assumeTrue(this.engine.connector.isNative(), "commands are counted with Lettuce only");
		assertThat(commands).as("Redis commands for 64 callers (about 3 each)").isLessThanOrEqualTo(64 * 4);
	}

	@Test
	void aFailingLoaderReleasesTheLeaseAtOnceAndTheNextCallerLoads() throws Exception {
		RedisPatternsCache cache = this.engine.cache("failing");
		AtomicInteger calls = new AtomicInteger();
		RuntimeException failure = new IllegalStateException("database down");
		CountDownLatch firstStarted = new CountDownLatch(1);
		Callable<String> loader = () -> {
			if (calls.incrementAndGet() == 1) {
				firstStarted.countDown();
				Thread.sleep(300);
				throw failure;
			}
			return "second try";
		};
		Future<String> first = this.threads.submit(() -> cache.get("k", loader));
		assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
		long start = System.nanoTime();
		List<String> others = concurrently(16, () -> cache.get("k", loader));
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThatThrownBy(first::get).cause()
			.isInstanceOf(Cache.ValueRetrievalException.class)
			.cause()
			.isSameAs(failure);
		assertThat(others).containsOnly("second try");
		assertThat(calls).hasValue(2);
		assertThat(elapsedMillis).as("nobody waited for the 20 s lease timeout").isLessThan(10_000);
	}

	@Test
	void aLeaseWhoseHolderDiedExpiresAndAWaiterTakesOver() throws Exception {
		try (CacheEngine engine = new CacheEngine(this.redis, CachePolicy.builder()
			.timeout(Duration.ofSeconds(2))
			.lockTimeout(Duration.ofMillis(800))
			.maxWait(Duration.ofSeconds(30))
			.build())) {
			RedisPatternsCache cache = engine.cache("orphaned");
			// a holder that crashed right after taking the lease
			engine.set(cache.entryKey("k") + ":lease", "dead-holder".getBytes(StandardCharsets.UTF_8),
					Duration.ofMillis(800));
			AtomicInteger loads = new AtomicInteger();
			long start = System.nanoTime();
			List<String> results = concurrently(8, () -> cache.get("k", () -> {
				loads.incrementAndGet();
				return "taken over";
			}));
			long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(results).containsOnly("taken over");
			assertThat(loads).hasValue(1);
			assertThat(elapsedMillis).as("taken over after the lease expired, long before max-wait")
				.isBetween(500L, 15_000L);
		}
	}

	@Test
	void aLongLoadKeepsItsLeaseBeyondTheLockTimeout() throws Exception {
		try (CacheEngine engine = new CacheEngine(this.redis, CachePolicy.builder()
			.timeout(Duration.ofSeconds(2))
			// renewed every third of it: a second leaves room for a loaded machine's pauses
			.lockTimeout(Duration.ofSeconds(1))
			.maxWait(Duration.ofSeconds(30))
			.build())) {
			RedisPatternsCache cache = engine.cache("slow");
			AtomicInteger loads = new AtomicInteger();
			List<String> results = concurrently(8, () -> cache.get("k", () -> {
				loads.incrementAndGet();
				Thread.sleep(3500);
				return "slow";
			}));
			assertThat(results).containsOnly("slow");
			assertThat(loads).as("the live holder renewed its lease").hasValue(1);
			assertThat(cache.get("k").get()).as("and its right to store").isEqualTo("slow");
		}
	}

	@Test
	void aLoaderAskingForItsOwnKeyDoesNotWaitForItself() {
		RedisPatternsCache cache = this.engine.cache("reentrant");
		long start = System.nanoTime();
		String value = cache.get("k", () -> "outer(" + cache.get("k", () -> "inner") + ")");
		assertThat(value).isEqualTo("outer(inner)");
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no wait for max-wait")
			.isLessThan(5_000);
	}

	@Test
	void asynchronousCallersOfAColdKeyLoadItOnce() throws Exception {
		RedisPatternsCache cache = this.engine.cache("async");
		AtomicInteger loads = new AtomicInteger();
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 32; i++) {
			futures.add(cache.retrieve("k", () -> CompletableFuture.supplyAsync(() -> {
				loads.incrementAndGet();
				sleep(200);
				return "async value";
			})));
		}
		for (CompletableFuture<String> future : futures) {
			assertThat(future.get(15, TimeUnit.SECONDS)).isEqualTo("async value");
		}
		assertThat(loads).hasValue(1);
		assertThat(cache.retrieve("k").get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(Cache.ValueWrapper.class,
				(wrapper) -> assertThat(wrapper.get()).isEqualTo("async value"));
		assertThat(cache.retrieve("absent").get(5, TimeUnit.SECONDS)).isNull();
	}

	@Test
	void anAsynchronousLoaderFailureReachesTheCallerUnchanged() {
		RedisPatternsCache cache = this.engine.cache("async-failing");
		IllegalStateException failure = new IllegalStateException("boom");
		CompletableFuture<String> result = cache.retrieve("k", () -> CompletableFuture.failedFuture(failure));
		assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).cause().isSameAs(failure);
		assertThat(cache.retrieve("k", () -> CompletableFuture.completedFuture("fine")).join()).isEqualTo("fine");
	}

	@Test
	void corruptBytesAreAMiss() {
		RedisPatternsCache cache = this.engine.cache("corrupt");
		this.engine.set(cache.entryKey("k"), "not an entry at all".getBytes(StandardCharsets.UTF_8));
		assertThat(cache.get("k")).isNull();
		assertThat(cache.get("k", () -> "reloaded")).isEqualTo("reloaded");
		assertThat(cache.get("k").get()).isEqualTo("reloaded");
		assertThat(this.engine.listener.count("decode.CORRUPT")).isEqualTo(2);
	}

	@Test
	void aStoredTypeOutsideTheAllowListIsAMissAndNeverInstantiated() {
		RedisPatternsCache cache = this.engine.cache("hostile");
		byte[] json = "{\"@class\":\"gadget.Gadget\",\"command\":\"rm -rf /\"}".getBytes(StandardCharsets.UTF_8);
		byte[] entry = CacheEntry.encode(json, System.currentTimeMillis() + 60_000, 5);
		this.engine.set(cache.entryKey("k"), entry);
		assertThat(cache.get("k")).isNull();
		assertThat(this.engine.listener.count("decode.TYPE_NOT_ALLOWED")).isEqualTo(1);
		assertThat(System.getProperty("gadget.Gadget.instantiated")).isNull();
		assertThat(cache.get("k", () -> "safe")).isEqualTo("safe");
	}

	@Test
	void recordsAreStoredWithTheirClassInTheHeaderAndOtherValuesSelfDescribing() {
		RedisPatternsCache cache = this.engine.cache("formats");
		cache.put("record", new AppValue("x"));
		cache.put("list", new ArrayList<>(List.of(new AppValue("y"))));
		byte[] record = this.engine.raw(cache.entryKey("record"));
		assertThat(record[0]).isEqualTo(CacheEntry.TYPED_VERSION);
		assertThat(new String(record, StandardCharsets.UTF_8)).contains(AppValue.class.getName() + "{\"name\":\"x\"}");
		assertThat(this.engine.raw(cache.entryKey("list"))[0]).as("a non-final class keeps its type id in the JSON")
			.isEqualTo(CacheEntry.VERSION);
		assertThat(cache.get("record", AppValue.class)).isEqualTo(new AppValue("x"));
		assertThat(cache.get("list").get()).isEqualTo(List.of(new AppValue("y")));
	}

	@Test
	void entriesOfTheEarlierFormatAreStillRead() {
		RedisPatternsCache cache = this.engine.cache("upgrade");
		byte[] json = JsonValueCodec.forPackages("com.example.app").encode(new AppValue("old"));
		this.engine.set(cache.entryKey("k"), CacheEntry.encode(json, System.currentTimeMillis() + 60_000, 5));
		assertThat(cache.get("k", AppValue.class)).isEqualTo(new AppValue("old"));
		assertThat(this.engine.listener.count("decode.CORRUPT")).isZero();
	}

	@Test
	void aHeaderNamingATypeOutsideTheAllowListIsAMissAndNeverInstantiated() {
		RedisPatternsCache cache = this.engine.cache("forged");
		byte[] json = "{\"command\":\"rm -rf /\"}".getBytes(StandardCharsets.UTF_8);
		this.engine.set(cache.entryKey("k"),
				CacheEntry.encodeTyped("gadget.Gadget", json, System.currentTimeMillis() + 60_000, 5));
		assertThat(cache.get("k")).isNull();
		assertThat(this.engine.listener.count("decode.TYPE_NOT_ALLOWED")).isEqualTo(1);
		assertThat(System.getProperty("gadget.Gadget.initialized")).isNull();
		byte[] nested = "{\"content\":{\"@class\":\"gadget.Gadget\"}}".getBytes(StandardCharsets.UTF_8);
		this.engine.set(cache.entryKey("nested"),
				CacheEntry.encodeTyped(AppEnvelope.class.getName(), nested, System.currentTimeMillis() + 60_000, 5));
		assertThat(cache.get("nested")).isNull();
		assertThat(this.engine.listener.count("decode.TYPE_NOT_ALLOWED")).as("allowed header, refused type inside")
			.isEqualTo(2);
		assertThat(cache.get("k", () -> "safe")).isEqualTo("safe");
	}

	@Test
	void anUnknownOrCutHeaderIsAMiss() {
		RedisPatternsCache cache = this.engine.cache("cut");
		cache.put("k", new AppValue("x"));
		byte[] entry = this.engine.raw(cache.entryKey("k"));
		byte[] future = entry.clone();
		future[0] = 3;
		this.engine.set(cache.entryKey("future"), future);
		this.engine.set(cache.entryKey("cut"), java.util.Arrays.copyOf(entry, CacheEntry.HEADER_LENGTH + 4));
		byte[] unknownClass = CacheEntry.encodeTyped("com.example.app.Missing", "{}".getBytes(StandardCharsets.UTF_8),
				System.currentTimeMillis() + 60_000, 5);
		this.engine.set(cache.entryKey("missing"), unknownClass);
		byte[] collection = CacheEntry.encodeTyped("java.util.ArrayList", "[]".getBytes(StandardCharsets.UTF_8),
				System.currentTimeMillis() + 60_000, 5);
		this.engine.set(cache.entryKey("collection"), collection);
		assertThat(cache.get("future")).isNull();
		assertThat(cache.get("cut")).isNull();
		assertThat(cache.get("missing")).isNull();
		assertThat(cache.get("collection")).as("a class a writer never names").isNull();
		assertThat(this.engine.listener.count("decode.CORRUPT")).isEqualTo(4);
		assertThat(cache.get("k", AppValue.class)).isEqualTo(new AppValue("x"));
	}

	@Test
	void evictRemovesOneEntryAndClearRemovesTheWholeCacheOnEveryMaster() {
		RedisPatternsCache cache = this.engine.cache("evict");
		RedisPatternsCache other = this.engine.cache("evict-other");
		for (int i = 0; i < 200; i++) {
			cache.put("k" + i, i);
		}
		other.put("k1", "kept");
		assertThat(cache.evictIfPresent("k1")).isTrue();
		assertThat(cache.evictIfPresent("k1")).isFalse();
		assertThat(cache.get("k1")).isNull();
		assertThat(cache.invalidate()).isTrue();
		for (int i = 0; i < 200; i++) {
			assertThat(cache.get("k" + i)).isNull();
		}
		assertThat(other.get("k1").get()).isEqualTo("kept");
	}

	@Test
	void aClearLeavesNothingOfTheLoadsThatBeganBeforeItEvenWhenTheyStoreDuringItsWalk() throws Exception {
		try (CacheEngine engine = new CacheEngine(this.redis,
				CachePolicy.builder().timeout(Duration.ofSeconds(10)).stampedeProtection(false).build())) {
			RedisPatternsCache cache = engine.cache("walked");
			int loads = 3000;
			AtomicInteger began = new AtomicInteger();
			List<CompletableFuture<String>> reads = new ArrayList<>();
			List<CompletableFuture<String>> loaded = new ArrayList<>();
			for (int i = 0; i < loads; i++) {
				CompletableFuture<String> read = new CompletableFuture<>();
				reads.add(read);
				loaded.add(cache.retrieve("k" + i, () -> {
					began.incrementAndGet();
					return read;
				}));
			}
			awaitUntil(() -> began.get() == loads, Duration.ofSeconds(60));
			AtomicInteger storedDuringTheWalk = new AtomicInteger(-1);
			cache.commands().scanned = () -> {
				if (storedDuringTheWalk.get() == -1) {
					// after the first page: every load stores now, some of them behind the walk's cursor
					reads.forEach((read) -> read.complete("old"));
					loaded.forEach(CompletableFuture::join);
					storedDuringTheWalk.set((int) keys("rp:cache:{walked:*").stream().filter((key) -> key.endsWith("}")).count());
				}
			};
			try {
				cache.clear();
			}
			finally {
				cache.commands().scanned = () -> {
				};
			}
			assertThat(storedDuringTheWalk.get()).as("loads stored during the walk").isPositive();
			assertThat(keys("rp:cache:{walked:*")).as("left after the clear").isEmpty();
		}
	}

	@Test
	void putIfAbsentKeepsTheExistingEntry() {
		RedisPatternsCache cache = this.engine.cache("absent");
		assertThat(cache.putIfAbsent("k", "first")).isNull();
		assertThat(cache.putIfAbsent("k", "second").get()).isEqualTo("first");
		assertThat(cache.get("k").get()).isEqualTo("first");
	}

	@Test
	void aPerEntryTtlFunctionDecidesTheTimeToLive() {
		try (CacheEngine engine = new CacheEngine(this.redis,
				CachePolicy.builder().ttlJitterPercent(0).timeout(Duration.ofSeconds(5)).build(),
				(builder) -> builder.ttlFunction(
						(name, key, value) -> "short".equals(value) ? Duration.ofSeconds(30) : null))) {
			RedisPatternsCache cache = engine.cache("ttl-function");
			cache.put("a", "short");
			cache.put("b", "default");
			assertThat(engine.pttl(cache.entryKey("a"))).isBetween(25_000L, 30_000L);
			assertThat(engine.pttl(cache.entryKey("b"))).isBetween(590_000L, 600_000L);
		}
	}

	@Test
	void entryKeysCarryTheKeysTypeAndLengthInTheCachesSlotGroup() {
		RedisPatternsCache cache = this.engine.cache("keys");
		assertThat(cache.entryKey("plain")).isEqualTo("rp:cache:{keys:s5:plain}");
		assertThat(cache.entryKey(42L)).isEqualTo("rp:cache:{keys:l2:42}");
		assertThat(cache.entryKey(42)).isEqualTo("rp:cache:{keys:i2:42}");
		assertThat(cache.entryKey(new SimpleKey("a", 1))).isEqualTo("rp:cache:{keys:K2:s1:a,i1:1}");
		assertThat(cache.entryKey(new AppValue("x")))
			.isEqualTo("rp:cache:{keys:o41:com.example.app.AppValue:AppValue[name=x]}");
		assertThat(cache.entryKey("{tag}%")).as("escaped as every key part").isEqualTo("rp:cache:{keys:s6:%7Btag%7D%25}");
		assertThat(cache.entryKey("x".repeat(300))).as("long keys are digested").contains("%~").hasSizeLessThan(250);
		assertThat(this.engine.cache("a:b").entryKey("c")).isEqualTo("rp:cache:{a%3Ab:s1:c}");
		for (Object key : List.of("x".repeat(195), "x".repeat(196), "x".repeat(300), "\uD83D\uDE00{", "\uD800",
				"%".repeat(70), new SimpleKey("{", 2L), "line\nbreak")) {
			assertThat(cache.entryKey(key)).as("built in place, escaped as a whole part")
				.isEqualTo("rp:cache:{keys:" + RedisKeys.escape(CacheKeys.encode(key)) + "}");
		}
	}

	@Test
	void keysWhoseTextIsAlikeButWhoseValuesDifferNeverShareAnEntry() {
		RedisPatternsCache cache = this.engine.cache("alike");
		List<Object> keys = List.of(new SimpleKey("a,b", "c"), new SimpleKey("a", "b,c"), 42L, "42", 42,
				new SimpleKey(1, 2), List.of(1, 2), List.of("1", "2"), new SimpleKey("a", null),
				new SimpleKey("a", "null"));
		for (Object key : keys) {
			cache.put(key, "value of " + key.getClass().getSimpleName() + " " + key);
		}
		for (Object key : keys) {
			assertThat(cache.get(key).get()).as(key.getClass() + " " + key)
				.isEqualTo("value of " + key.getClass().getSimpleName() + " " + key);
		}
		assertThat(keys.stream().map(cache::entryKey).distinct()).hasSameSizeAs(keys);
	}

	@Test
	void cacheNamesWithColonsNeitherShareKeysNorClearEachOther() {
		RedisPatternsCache users = this.engine.cache("users");
		RedisPatternsCache usersV2 = this.engine.cache("users:v2");
		RedisPatternsCache a = this.engine.cache("a");
		RedisPatternsCache ab = this.engine.cache("a:b");
		assertThat(a.entryKey("b:c")).isNotEqualTo(ab.entryKey("c"));
		a.put("b:c", "of cache a");
		ab.put("c", "of cache a:b");
		assertThat(a.get("b:c").get()).isEqualTo("of cache a");
		assertThat(ab.get("c").get()).isEqualTo("of cache a:b");
		users.put("1", "user 1");
		usersV2.put("1", "user 1, v2");
		users.clear();
		assertThat(users.get("1")).isNull();
		assertThat(usersV2.get("1")).as("clearing users leaves users:v2 alone").isNotNull()
			.extracting(Cache.ValueWrapper::get).isEqualTo("user 1, v2");
	}

	@Test
	void aRefreshLeaseIsNotTakenForAnEntryThatWasReplacedSinceItWasRead() {
		RedisPatternsCache cache = this.engine.cache("refresh-lease");
		CacheCommands commands = new CacheCommands(this.engine.connector,
				new dev.redispatterns.core.internal.ScriptExecutor(this.engine.connector));
		String entryKey = cache.entryKey("k");
		CacheCommands.Keys keys = CacheCommands.Keys.of(entryKey);
		long readExpiry = 1_000_000L;
		this.engine.set(entryKey, CacheEntry.encode(null, readExpiry + 5_000, 1));
		assertThat(commands.tryRefreshLease(keys, "a".getBytes(), "t1".getBytes(), 10_000, readExpiry).join())
			.as("replaced since it was read").isNull();
		assertThat(commands.tryRefreshLease(keys, "b".getBytes(), "t2".getBytes(), 10_000, readExpiry + 5_000).join())
			.as("still the entry that was read: the lease and a new fill ticket").isEqualTo("t2".getBytes());
		assertThat(commands.tryRefreshLease(keys, "c".getBytes(), "t3".getBytes(), 10_000, readExpiry + 5_000).join())
			.as("lease already held").isNull();
	}

	@Test
	void keysWithoutTheirOwnToStringAreRefused() {
		RedisPatternsCache cache = this.engine.cache("keys");
		assertThatThrownBy(() -> cache.get(new Object())).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("toString");
	}

	@Test
	void aValueTypeOutsideTheAllowListIsRefusedOnWrite() {
		RedisPatternsCache cache = this.engine.cache("refused");
		assertThatThrownBy(() -> cache.put("k", java.net.URI.create("https://example.com")))
			.hasMessageContaining("redis.patterns.codec.allowed-packages");
	}

	// ---------------------------------------------------------------- helpers

	<T> List<T> concurrently(int callers, Callable<T> call) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<T>> futures = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			futures.add(this.threads.submit(() -> {
				start.await();
				return call.call();
			}));
		}
		start.countDown();
		List<T> results = new ArrayList<>();
		for (Future<T> future : futures) {
			results.add(future.get(60, TimeUnit.SECONDS));
		}
		return results;
	}

	@SuppressWarnings("unchecked")
	List<String> keys(String pattern) {
		List<String> keys = new ArrayList<>();
		for (Object reply : this.redis.onEveryMaster("KEYS", pattern)) {
			for (Object key : (List<Object>) reply) {
				keys.add((key instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(key));
			}
		}
		return keys;
	}

	static void awaitUntil(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Condition not met within " + timeout);
			}
			Thread.sleep(20);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
