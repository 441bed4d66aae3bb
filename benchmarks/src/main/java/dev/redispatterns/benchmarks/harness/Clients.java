package dev.redispatterns.benchmarks.harness;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Clients as an application would create them: library defaults, except a 10 s command timeout so a
 * stalled cell fails instead of hanging (no operation here comes near it).
 */
public final class Clients {

	public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private Clients() {
	}

	/** A Lettuce client; callers {@code shutdown()} it. */
	public static RedisClient lettuce(CellContext context) {
		io.lettuce.core.RedisURI uri = context.redisUri();
		uri.setTimeout(COMMAND_TIMEOUT);
		return RedisClient.create(uri);
	}

	/** A started Spring Data Redis connection factory (shared native connection, as Boot configures it). */
	public static LettuceConnectionFactory springConnectionFactory(CellContext context) {
		return springConnectionFactory(context.host(), context.port());
	}

	/** A started Spring Data Redis connection factory for {@code host:port}. */
	public static LettuceConnectionFactory springConnectionFactory(String host, int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port),
				LettuceClientConfiguration.builder().commandTimeout(COMMAND_TIMEOUT).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Connections of every Jedis pool here, and {@code spring.data.redis.jedis.pool.max-active} (and
	 * {@code max-idle}) of the Boot applications on Jedis: room for the 16 client threads (Boot's default of
	 * 8 would make them queue for a connection) and for the starter's own blocking readers.
	 */
	public static final int JEDIS_POOL_SIZE = 32;

	/** A Jedis pool of {@link #JEDIS_POOL_SIZE} connections; callers {@code close()} it. */
	public static JedisPool jedisPool(CellContext context) {
		int timeout = (int) COMMAND_TIMEOUT.toMillis();
		return new JedisPool(jedisPoolConfig(), new HostAndPort(context.host(), context.port()),
				DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).build());
	}

	/** A started Spring Data Redis factory on Jedis with a pool of {@link #JEDIS_POOL_SIZE} connections. */
	public static JedisConnectionFactory jedisConnectionFactory(CellContext context) {
		JedisClientConfiguration client = JedisClientConfiguration.builder()
			.readTimeout(COMMAND_TIMEOUT)
			.connectTimeout(COMMAND_TIMEOUT)
			.usePooling()
			.poolConfig(jedisPoolConfig())
			.build();
		JedisConnectionFactory factory = new JedisConnectionFactory(
				new RedisStandaloneConfiguration(context.host(), context.port()), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** Boot properties that put an application on Jedis with the same pool as {@link #jedisPool}. */
	public static String[] jedisBootProperties() {
		return new String[] { "spring.data.redis.client-type=jedis",
				"spring.data.redis.jedis.pool.max-active=" + JEDIS_POOL_SIZE,
				"spring.data.redis.jedis.pool.max-idle=" + JEDIS_POOL_SIZE };
	}

	private static GenericObjectPoolConfig<Jedis> jedisPoolConfig() {
		GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
		pool.setMaxTotal(JEDIS_POOL_SIZE);
		pool.setMaxIdle(JEDIS_POOL_SIZE);
		return pool;
	}

	/** A Redisson client with its default pools and codec. */
	public static RedissonClient redisson(CellContext context) {
		Config config = new Config();
		config.useSingleServer().setAddress(context.redisUrl()).setTimeout((int) COMMAND_TIMEOUT.toMillis());
		return Redisson.create(config);
	}

}
