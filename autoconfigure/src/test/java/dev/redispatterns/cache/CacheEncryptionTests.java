package dev.redispatterns.cache;

import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import dev.redispatterns.test.RecordedLogs;
import dev.redispatterns.test.RedisDeployment;
import dev.redispatterns.test.RedisTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encrypted caches through the CacheManager against a real Redis: values are not readable in Redis, keys
 * rotate (old key reads, new key writes), and an entry changed in Redis, copied to another entry key, sealed
 * with a key that is gone or written in clear where values are encrypted is a miss — the value is loaded
 * again, nothing is thrown, and the failure is counted and logged.
 */
@RedisTest
@ExtendWith(RecordedLogs.Extension.class)
class CacheEncryptionTests {

	public record Customer(String name, String email, Instant since) {
	}

	static final String K1 = Base64.getEncoder().encodeToString(bytes(1));

	static final String K2 = Base64.getEncoder().encodeToString(bytes(2));

	private static final String ENTRY = "rp:cache:{customers:s3:ann}";

	/** Flips one bit of a stored value, server-side (the test client reads bulk strings as text). */
	private static final String FLIP = "local v = redis.call('GET', KEYS[1]) local i = tonumber(ARGV[1]) "
			+ "if i < 0 then i = #v + 1 + i end "
			+ "redis.call('SETRANGE', KEYS[1], i - 1, string.char(bit.bxor(string.byte(v, i), 1))) return i";

	private final RedisDeployment redis;

	private final ApplicationContextRunner runner;

	private final Customer ann = new Customer("Ann", "ann@example.com", Instant.parse("2024-05-01T10:15:30Z"));

	private final AtomicInteger loads = new AtomicInteger();

	CacheEncryptionTests(RedisDeployment redis) {
		this.redis = redis;
		this.runner = CachingApplication.runner(redis)
			.withPropertyValues("redis.patterns.codec.allowed-packages=dev.redispatterns.cache",
					"redis.patterns.cache.caches.customers.encrypt=true");
	}

	@BeforeEach
	void flush() {
		this.redis.flushAll();
	}

	@Test
	void encryptedValuesRoundTripAndAreNotReadableInRedis() {
		keys("k1", K1).run((context) -> {
			CacheManager caches = context.getBean(CacheManager.class);
			caches.getCache("customers").put("ann", this.ann);
			caches.getCache("plain").put("ann", this.ann);
			assertThat(caches.getCache("customers").get("ann", Customer.class)).isEqualTo(this.ann);
			assertThat(stored(ENTRY)).doesNotContain("ann@example.com").doesNotContain("Customer");
			assertThat(stored("rp:cache:{plain:s3:ann}")).as("a cache without encrypt stays readable")
				.contains("ann@example.com");
			assertThat(load(caches, "ann")).isEqualTo(this.ann);
			assertThat(this.loads).hasValue(0);
		});
	}

	@Test
	void nullValuesAreEncryptedToo() {
		keys("k1", K1).run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("customers");
			cache.put("ann", null);
			assertThat(cache.get("ann")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
			assertThat(stored(ENTRY).length()).as("a sealed JSON null, not a bare header").isGreaterThan(40);
		});
	}

	@Test
	void rotationReadsWithTheOldKeyAndWritesWithTheNewOne() {
		keys("k1", K1).run((before) -> before.getBean(CacheManager.class).getCache("customers").put("ann", this.ann));
		keys("k1", K1).withPropertyValues("redis.patterns.codec.encryption.keys.k2=" + K2,
				"redis.patterns.codec.encryption.active-key=k2")
			.run((during) -> {
				CacheManager caches = during.getBean(CacheManager.class);
				assertThat(load(caches, "ann")).as("written under k1, read under k1 and k2").isEqualTo(this.ann);
				assertThat(this.loads).hasValue(0);
				assertThat(keyIdOf(ENTRY)).isEqualTo("k1");
				caches.getCache("customers").put("bob", this.ann);
				assertThat(keyIdOf("rp:cache:{customers:s3:bob}")).isEqualTo("k2");
			});
		keys("k2", K2).run((after) -> {
			CacheManager caches = after.getBean(CacheManager.class);
			assertThat(caches.getCache("customers").get("bob", Customer.class)).isEqualTo(this.ann);
			assertThat(load(caches, "ann")).as("k1 removed: its entries are misses").isEqualTo(this.ann);
			assertThat(this.loads).hasValue(1);
			assertThat(after.getBean(RecordingCacheListener.class).count("decode.NOT_AUTHENTIC")).isEqualTo(1);
			assertThat(keyIdOf(ENTRY)).as("reloaded under the active key").isEqualTo("k2");
		});
	}

	@Test
	void anEntryChangedInRedisIsAMiss(RecordedLogs output) {
		keys("k1", K1).run((context) -> {
			CacheManager caches = context.getBean(CacheManager.class);
			RecordingCacheListener listener = context.getBean(RecordingCacheListener.class);
			// an expiry byte of the header, the key id, a ciphertext byte, the last byte of the tag
			int[] positions = { 9, 17, 40, -1 };
			for (int position : positions) {
				caches.getCache("customers").put("ann", this.ann);
				this.redis.command("EVAL", FLIP, "1", ENTRY, Integer.toString(position));
				int before = this.loads.get();
				assertThat(load(caches, "ann")).as("byte " + position).isEqualTo(this.ann);
				assertThat(this.loads.get()).as("byte " + position + " changed: loaded again").isEqualTo(before + 1);
			}
			assertThat(listener.count("decode.NOT_AUTHENTIC")).isEqualTo(positions.length);
		});
		assertThat(output.toString()).contains("Cache 'customers': unreadable entry treated as a miss");
	}

	@Test
	void aCiphertextCopiedToAnotherEntryKeyIsAMiss() {
		keys("k1", K1).run((context) -> {
			CacheManager caches = context.getBean(CacheManager.class);
			caches.getCache("customers").put("ann", this.ann);
			this.redis.command("COPY", ENTRY, "rp:cache:{customers:s3:eve}", "REPLACE");
			Customer eve = new Customer("Eve", "eve@example.com", this.ann.since());
			assertThat(caches.getCache("customers").get("eve", () -> eve)).isEqualTo(eve);
			assertThat(context.getBean(RecordingCacheListener.class).count("decode.NOT_AUTHENTIC")).isEqualTo(1);
			assertThat(caches.getCache("customers").get("ann", Customer.class)).as("the original still reads")
				.isEqualTo(this.ann);
		});
	}

	@Test
	void anEntryWrittenInClearIsAMissWhereValuesAreEncrypted() {
		keys("k1", K1).withPropertyValues("redis.patterns.cache.caches.customers.encrypt=false")
			.run((clear) -> clear.getBean(CacheManager.class).getCache("customers").put("ann", this.ann));
		assertThat(stored(ENTRY)).contains("ann@example.com");
		keys("k1", K1).run((context) -> {
			assertThat(load(context.getBean(CacheManager.class), "ann")).isEqualTo(this.ann);
			assertThat(this.loads).hasValue(1);
			assertThat(stored(ENTRY)).doesNotContain("ann@example.com");
		});
	}

	@Test
	void encryptionTurnedOffStillReadsEncryptedEntriesWhileTheKeyIsConfigured() {
		keys("k1", K1).run((on) -> on.getBean(CacheManager.class).getCache("customers").put("ann", this.ann));
		keys("k1", K1).withPropertyValues("redis.patterns.cache.caches.customers.encrypt=false").run((off) -> {
			assertThat(load(off.getBean(CacheManager.class), "ann")).isEqualTo(this.ann);
			assertThat(this.loads).hasValue(0);
		});
	}

	@Test
	void encryptingWithoutKeysOrWithBadKeysFailsTheStartNamingTheProperty() {
		this.runner.run((context) -> assertThat(context).getFailure()
			.rootCause()
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.hasMessageContaining("redis.patterns.codec.encryption.keys")
			.hasMessageContaining("redis.patterns.cache.caches.customers.encrypt"));
		keys("k1", Base64.getEncoder().encodeToString(new byte[20])).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("redis.patterns.codec.encryption.keys.k1")
			.hasMessageContaining("16, 24 or 32")
			.hasMessageNotContaining(Base64.getEncoder().encodeToString(new byte[20])));
		keys("k1", "not base64!").run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("redis.patterns.codec.encryption.keys.k1"));
		keys("k1", K1).withPropertyValues("redis.patterns.codec.encryption.keys.k2=" + K2)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("redis.patterns.codec.encryption.active-key"));
		keys("k1", K1).withPropertyValues("redis.patterns.codec.encryption.active-key=k9")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("redis.patterns.codec.encryption.active-key")
				.hasMessageContaining("k9"));
	}

	private ApplicationContextRunner keys(String id, String key) {
		return this.runner.withPropertyValues("redis.patterns.codec.encryption.keys." + id + "=" + key);
	}

	private Object load(CacheManager caches, String key) {
		return caches.getCache("customers").get(key, () -> {
			this.loads.incrementAndGet();
			return this.ann;
		});
	}

	private String stored(String key) {
		Object value = this.redis.command("GET", key);
		assertThat(value).as(key).isNotNull();
		return value.toString();
	}

	/** The key id sits right after the 14-byte header, the format byte and its length. */
	private String keyIdOf(String key) {
		return String.valueOf(this.redis.command("GETRANGE", key, "16", "17"));
	}

	static byte[] bytes(int seed) {
		byte[] key = new byte[32];
		for (int i = 0; i < key.length; i++) {
			key[i] = (byte) (seed * 17 + i * 13);
		}
		return key;
	}

}
