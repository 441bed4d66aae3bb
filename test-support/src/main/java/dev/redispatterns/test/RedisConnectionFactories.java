package dev.redispatterns.test;

import java.time.Duration;
import java.util.List;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;

/**
 * Started connection factories for a {@link RedisDeployment}, for engine tests that run without an
 * application context. Callers destroy them when done.
 */
public final class RedisConnectionFactories {

	private RedisConnectionFactories() {
	}

	/** A factory of the client this JVM's tests run on ({@link TestClient#current()}). */
	public static RedisConnectionFactory of(RedisDeployment redis) {
		return of(redis, Duration.ofSeconds(5));
	}

	public static RedisConnectionFactory of(RedisDeployment redis, Duration commandTimeout) {
		return (TestClient.current() == TestClient.JEDIS) ? jedis(redis, commandTimeout) : lettuce(redis, commandTimeout);
	}

	/** Destroys a factory made here, whichever client it is. */
	public static void destroy(RedisConnectionFactory factory) {
		if (factory instanceof DisposableBean disposable) {
			try {
				disposable.destroy();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	public static JedisConnectionFactory jedis(RedisDeployment redis, Duration commandTimeout) {
		JedisClientConfiguration client = JedisClientConfiguration.builder()
			.readTimeout(commandTimeout)
			.connectTimeout(commandTimeout)
			.usePooling()
			.poolConfig(pool())
			.build();
		JedisConnectionFactory factory = switch (redis.topology()) {
			case STANDALONE -> new JedisConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()),
					client);
			case CLUSTER -> new JedisConnectionFactory(new RedisClusterConfiguration(redis.nodes()), client);
			case SENTINEL -> new JedisConnectionFactory(sentinel((RedisSentinelProcesses) redis), client);
		};
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** Enough connections for the engine's blocking readers and a test's concurrent callers. */
	private static GenericObjectPoolConfig<Jedis> pool() {
		GenericObjectPoolConfig<Jedis> pool = new GenericObjectPoolConfig<>();
		pool.setMaxTotal(64);
		pool.setMaxIdle(64);
		return pool;
	}

	private static RedisSentinelConfiguration sentinel(RedisSentinelProcesses sentinel) {
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration()
			.master(RedisSentinelProcesses.MASTER_NAME);
		configuration.setSentinels(sentinel.sentinels()
			.stream()
			.map((node) -> new RedisNode(node.host(), node.port()))
			.toList());
		return configuration;
	}

	public static LettuceConnectionFactory lettuce(RedisDeployment redis) {
		return lettuce(redis, Duration.ofSeconds(5));
	}

	public static LettuceConnectionFactory lettuce(RedisDeployment redis, Duration commandTimeout) {
		LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
			.commandTimeout(commandTimeout);
		LettuceConnectionFactory factory = switch (redis.topology()) {
			case STANDALONE -> new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()),
					client.build());
			case CLUSTER -> {
				client.clientOptions(ClusterClientOptions.builder()
					.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
						.enableAllAdaptiveRefreshTriggers()
						.enablePeriodicRefresh(Duration.ofSeconds(1))
						.build())
					.build());
				yield new LettuceConnectionFactory(new RedisClusterConfiguration(redis.nodes()), client.build());
			}
			case SENTINEL -> {
				RedisSentinelProcesses sentinel = (RedisSentinelProcesses) redis;
				RedisSentinelConfiguration configuration = new RedisSentinelConfiguration()
					.master(RedisSentinelProcesses.MASTER_NAME);
				List<RedisNode> nodes = sentinel.sentinels()
					.stream()
					.map((node) -> new RedisNode(node.host(), node.port()))
					.toList();
				configuration.setSentinels(nodes);
				yield new LettuceConnectionFactory(configuration, client.build());
			}
		};
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
