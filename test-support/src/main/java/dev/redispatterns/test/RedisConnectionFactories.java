package dev.redispatterns.test;

import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;

/**
 * Started {@link LettuceConnectionFactory} instances for a {@link RedisDeployment}, for engine tests that
 * run without an application context. Callers destroy them when done.
 */
public final class RedisConnectionFactories {

	private RedisConnectionFactories() {
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
