package dev.redispatterns.test;

import java.util.List;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A standalone Redis in a Testcontainers container, used when a Docker engine is reachable. Only this
 * class touches Testcontainers, so the harness works without it on the classpath.
 */
final class RedisContainerDeployment implements RedisDeployment, AutoCloseable {

	static final String IMAGE = System.getProperty("redis.image", "redis:7.4-alpine");

	private final GenericContainer<?> container;

	private RedisContainerDeployment(GenericContainer<?> container) {
		this.container = container;
	}

	static RedisContainerDeployment start() {
		GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE)).withExposedPorts(6379)
			.withCommand("redis-server", "--save", "", "--appendonly", "no");
		container.start();
		return new RedisContainerDeployment(container);
	}

	static boolean isDockerAvailable() {
		try {
			Class.forName("org.testcontainers.DockerClientFactory", false,
					RedisContainerDeployment.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	@Override
	public Topology topology() {
		return Topology.STANDALONE;
	}

	@Override
	public String host() {
		return this.container.getHost();
	}

	@Override
	public int port() {
		return this.container.getMappedPort(6379);
	}

	@Override
	public List<String> nodes() {
		return List.of(host() + ":" + port());
	}

	@Override
	public String[] springProperties() {
		return new String[] { "spring.data.redis.host=" + host(), "spring.data.redis.port=" + port() };
	}

	@Override
	public void flushAll() {
		command("FLUSHALL");
	}

	@Override
	public List<Object> onEveryMaster(Object... args) {
		return List.of(command(args));
	}

	@Override
	public void close() {
		this.container.stop();
	}

	@Override
	public String toString() {
		return "redis container " + IMAGE + " " + host() + ":" + port();
	}

}
