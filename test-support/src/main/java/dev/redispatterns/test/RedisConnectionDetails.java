package dev.redispatterns.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * Spring Boot {@link DataRedisConnectionDetails} for a {@link RedisDeployment} of this harness, so that an
 * application's test gets its Redis the way Boot's {@code @ServiceConnection} would give it a container's:
 * declare the details as a bean and Boot's connection factory connects to the deployment, whatever
 * {@code spring.data.redis.*} says. Standalone, cluster (every master is a seed node) and Sentinel.
 * <pre>{@code
 * @TestConfiguration(proxyBeanMethods = false)
 * class TestRedis {
 *
 *     @Bean(destroyMethod = "close")
 *     RedisClusterProcesses redisCluster() {
 *         return RedisClusterProcesses.start(3, 0);
 *     }
 *
 *     @Bean
 *     DataRedisConnectionDetails redisConnectionDetails(RedisClusterProcesses cluster) {
 *         return RedisConnectionDetails.of(cluster);
 *     }
 *
 * }
 * }</pre>
 * With Docker, Boot's own {@code @ServiceConnection} on a Testcontainers Redis container does the same for a
 * single server (see the package documentation).
 */
public final class RedisConnectionDetails {

	private RedisConnectionDetails() {
	}

	/** Details pointing at {@code deployment}, read when the connection factory is built. */
	public static DataRedisConnectionDetails of(RedisDeployment deployment) {
		return switch (deployment.topology()) {
			case STANDALONE -> new DataRedisConnectionDetails() {

				@Override
				public Standalone getStandalone() {
					return Standalone.of(deployment.host(), deployment.port());
				}

			};
			case CLUSTER -> new DataRedisConnectionDetails() {

				@Override
				public Cluster getCluster() {
					List<Node> nodes = deployment.nodes().stream().map(RedisConnectionDetails::node).toList();
					return () -> nodes;
				}

			};
			case SENTINEL -> new DataRedisConnectionDetails() {

				@Override
				public Sentinel getSentinel() {
					if (!(deployment instanceof RedisSentinelProcesses sentinelProcesses)) {
						throw new IllegalArgumentException("Not a Sentinel set-up of this harness: " + deployment);
					}
					List<Node> sentinels = sentinelProcesses.sentinels()
						.stream()
						.map((sentinel) -> new Node(sentinel.host(), sentinel.port()))
						.toList();
					return new Sentinel() {

						@Override
						public int getDatabase() {
							return 0;
						}

						@Override
						public String getMaster() {
							return RedisSentinelProcesses.MASTER_NAME;
						}

						@Override
						public List<Node> getNodes() {
							return sentinels;
						}

						@Override
						public @Nullable String getUsername() {
							return null;
						}

						@Override
						public @Nullable String getPassword() {
							return null;
						}

					};
				}

			};
		};
	}

	private static DataRedisConnectionDetails.Node node(String hostAndPort) {
		int colon = hostAndPort.lastIndexOf(':');
		return new DataRedisConnectionDetails.Node(hostAndPort.substring(0, colon),
				Integer.parseInt(hostAndPort.substring(colon + 1)));
	}

}
