package dev.redispatterns.cache;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.types.Expiration;

import dev.redispatterns.core.JsonValueCodec;
import dev.redispatterns.core.RedisConnector;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.core.internal.RedisSignals;
import dev.redispatterns.test.RedisConnectionFactories;
import dev.redispatterns.test.RedisDeployment;

/**
 * A cache manager built without Spring against a test Redis, as the benchmarks build one, on the client
 * the tests run on.
 */
final class CacheEngine implements AutoCloseable {

	final RedisConnectionFactory factory;

	final RedisConnector connector;

	final RedisSignals signals;

	final RecordingCacheListener listener = new RecordingCacheListener();

	final RedisPatternsCacheManager manager;

	/**
	 * Data commands sent to Redis (topology, pub/sub and connection housekeeping excluded); counted with
	 * Lettuce only.
	 */
	final AtomicLong commands = new AtomicLong();

	private static final Set<String> HOUSEKEEPING = Set.of("SUBSCRIBE", "UNSUBSCRIBE", "PING", "CLIENT", "HELLO",
			"CLUSTER", "INFO", "COMMAND", "AUTH", "SELECT", "READONLY");

	CacheEngine(RedisDeployment redis, CachePolicy defaults) {
		this(redis, defaults, UnaryOperator.identity());
	}

	CacheEngine(RedisDeployment redis, CachePolicy defaults, UnaryOperator<RedisPatternsCacheManager.Builder> customizer) {
		this.factory = RedisConnectionFactories.of(redis);
		if (this.factory instanceof LettuceConnectionFactory lettuce) {
			lettuce.getNativeClient().addListener(new CommandListener() {

				@Override
				public void commandStarted(CommandStartedEvent event) {
					if (!HOUSEKEEPING.contains(event.getCommand().getType().toString())) {
						CacheEngine.this.commands.incrementAndGet();
					}
				}

			});
		}
		this.connector = new RedisConnector(this.factory, Duration.ofSeconds(2));
		this.signals = new RedisSignals(this.connector, Duration.ofSeconds(30));
		this.manager = customizer.apply(RedisPatternsCacheManager
			.builder(this.connector, this.signals, new RedisKeys("rp"), JsonValueCodec.forPackages("com.example.app"))
			.defaults(defaults)
			.listener(this.listener)).build();
		this.manager.start();
	}

	byte[] raw(String key) {
		return this.connector.await(this.connector.commands().get(utf8(key)));
	}

	void set(String key, byte[] value) {
		this.connector.execute((connection) -> connection.stringCommands().set(utf8(key), value));
	}

	void set(String key, byte[] value, Duration ttl) {
		this.connector.execute((connection) -> connection.stringCommands()
			.set(utf8(key), value, Expiration.from(ttl), SetOption.upsert()));
	}

	void del(String key) {
		this.connector.await(this.connector.commands().del(utf8(key)));
	}

	long pttl(String key) {
		return this.connector.await(this.connector.commands().pttl(utf8(key)));
	}

	private static byte[] utf8(String key) {
		return key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	RedisPatternsCache cache(String name) {
		return (RedisPatternsCache) this.manager.getCache(name);
	}

	@Override
	public void close() {
		this.manager.close();
		this.signals.destroy();
		this.connector.destroy();
		RedisConnectionFactories.destroy(this.factory);
	}

}
