package dev.redispatterns.test;

/**
 * Starts a standalone Redis the way the test harness does: a Testcontainers container when a Docker
 * engine is reachable, a local {@code redis-server} process otherwise. Used for development-time runs
 * of the sample application as well as by {@link RedisExtension}.
 */
public final class RedisDeployments {

	private RedisDeployments() {
	}

	/**
	 * Starts a standalone Redis; {@code -Dredis.harness=process|docker} forces one kind.
	 * @return the running deployment, which the caller closes
	 */
	public static StandaloneRedis startStandalone() {
		String mode = System.getProperty("redis.harness", "auto");
		boolean docker = "docker".equals(mode) || ("auto".equals(mode) && RedisContainerDeployment.isDockerAvailable());
		return new StandaloneRedis(docker ? RedisContainerDeployment.start() : RedisServerProcess.start());
	}

	/** A started standalone Redis that can be closed without knowing how it was started. */
	public record StandaloneRedis(RedisDeployment deployment) implements AutoCloseable {

		public String host() {
			return this.deployment.host();
		}

		public int port() {
			return this.deployment.port();
		}

		@Override
		public void close() throws Exception {
			((AutoCloseable) this.deployment).close();
		}

		@Override
		public String toString() {
			return this.deployment.toString();
		}

	}

}
