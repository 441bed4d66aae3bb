package dev.redispatterns.test;

import java.lang.reflect.Parameter;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.redispatterns.test.RedisDeployment.Topology;

/**
 * JUnit extension behind {@link RedisTest}.
 */
public final class RedisExtension implements BeforeAllCallback, ParameterResolver {

	private static final Logger logger = LoggerFactory.getLogger(RedisExtension.class);

	private static final Namespace NAMESPACE = Namespace.create(RedisExtension.class);

	private static final String DEPLOYMENT = "deployment";

	private static final String CLUSTER = "cluster";

	private static final String SENTINEL = "sentinel";

	private static final String DOCKER = "docker";

	@Override
	public void beforeAll(ExtensionContext context) {
		deployment(context);
	}

	private RedisDeployment deployment(ExtensionContext context) {
		ExtensionContext classContext = classContext(context);
		RedisTest settings = AnnotationSupport.findAnnotation(classContext.getRequiredTestClass(), RedisTest.class)
			.orElseThrow(() -> new IllegalStateException("@RedisTest missing on " + classContext.getDisplayName()));
		return classContext.getStore(NAMESPACE)
			.computeIfAbsent(DEPLOYMENT, (key) -> create(context, settings), RedisDeployment.class);
	}

	/**
	 * The cluster and the Sentinel set-up are started once per test JVM and flushed before every class;
	 * {@code process = true} gives a class its own set-up, which it may kill, pause or fail over.
	 */
	private RedisDeployment create(ExtensionContext context, RedisTest settings) {
		if (settings.topology() == Topology.CLUSTER) {
			if (settings.process()) {
				return RedisClusterProcesses.start(3, 0);
			}
			RedisClusterProcesses cluster = context.getRoot()
				.getStore(NAMESPACE)
				.computeIfAbsent(CLUSTER, (key) -> RedisClusterProcesses.start(3, 0), RedisClusterProcesses.class);
			cluster.flushAll();
			return new SharedDeployment(cluster);
		}
		if (settings.topology() == Topology.SENTINEL) {
			if (settings.process()) {
				return RedisSentinelProcesses.start();
			}
			RedisSentinelProcesses sentinel = context.getRoot()
				.getStore(NAMESPACE)
				.computeIfAbsent(SENTINEL, (key) -> RedisSentinelProcesses.start(), RedisSentinelProcesses.class);
			sentinel.flushAll();
			return new SharedDeployment(sentinel);
		}
		if (!settings.process() && useDocker(context)) {
			return RedisContainerDeployment.start();
		}
		return RedisServerProcess.start();
	}

	private static boolean useDocker(ExtensionContext context) {
		String mode = System.getProperty("redis.harness", "auto");
		if ("process".equals(mode)) {
			return false;
		}
		if ("docker".equals(mode)) {
			return true;
		}
		return context.getRoot().getStore(NAMESPACE).computeIfAbsent(DOCKER, (key) -> {
			boolean available = RedisContainerDeployment.isDockerAvailable();
			logger.info("Redis test harness: {}", available ? "Testcontainers (Docker engine reachable)"
					: "local redis-server processes (no Docker engine)");
			return available;
		}, Boolean.class);
	}

	private static ExtensionContext classContext(ExtensionContext context) {
		ExtensionContext current = context;
		while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
			current = current.getParent().get();
		}
		return current;
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return RedisDeployment.class.isAssignableFrom(type);
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		RedisDeployment deployment = deployment(extensionContext);
		if (deployment instanceof SharedDeployment shared) {
			deployment = shared.delegate();
		}
		Parameter parameter = parameterContext.getParameter();
		if (!parameter.getType().isInstance(deployment)) {
			throw new ParameterResolutionException("Parameter " + parameter + " needs " + parameter.getType().getSimpleName()
					+ " but this class runs against " + deployment
					+ " (use @RedisTest(process = true) for a local process)");
		}
		return deployment;
	}

	/** A shared cluster or Sentinel set-up seen from one class: closing the class must not stop it. */
	private record SharedDeployment(RedisDeployment delegate) implements RedisDeployment {

		@Override
		public Topology topology() {
			return this.delegate.topology();
		}

		@Override
		public java.util.List<String> nodes() {
			return this.delegate.nodes();
		}

		@Override
		public String host() {
			return this.delegate.host();
		}

		@Override
		public int port() {
			return this.delegate.port();
		}

		@Override
		public String[] springProperties() {
			return this.delegate.springProperties();
		}

		@Override
		public void flushAll() {
			this.delegate.flushAll();
		}

		@Override
		public Object command(Object... args) {
			return this.delegate.command(args);
		}

		@Override
		public java.util.List<Object> onEveryMaster(Object... args) {
			return this.delegate.onEveryMaster(args);
		}

	}

}
