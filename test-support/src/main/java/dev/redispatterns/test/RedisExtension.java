package dev.redispatterns.test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.redispatterns.test.RedisDeployment.Topology;

/**
 * JUnit extension behind {@link RedisTest} and {@link RedisTopologies}.
 */
public final class RedisExtension implements BeforeAllCallback, ParameterResolver,
		ClassTemplateInvocationContextProvider, BeforeClassTemplateInvocationCallback,
		AfterClassTemplateInvocationCallback, ExecutionCondition {

	private static final Logger logger = LoggerFactory.getLogger(RedisExtension.class);

	private static final Namespace NAMESPACE = Namespace.create(RedisExtension.class);

	private static final String DEPLOYMENT = "deployment";

	private static final String CLUSTER = "cluster";

	private static final String SENTINEL = "sentinel";

	private static final String DOCKER = "docker";

	private static final String TOPOLOGY = "topology";

	private static final String TOPOLOGIES_PROPERTY = "redis.topologies";

	@Override
	public boolean supportsClassTemplate(ExtensionContext context) {
		return AnnotationSupport.isAnnotated(context.getRequiredTestClass(), RedisTopologies.class);
	}

	@Override
	public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(ExtensionContext context) {
		RedisTopologies topologies = AnnotationSupport
			.findAnnotation(context.getRequiredTestClass(), RedisTopologies.class)
			.orElseThrow();
		List<Topology> selected = selectedTopologies();
		return Arrays.stream(topologies.value()).distinct().filter(selected::contains).map(TopologyRun::new);
	}

	@Override
	public boolean mayReturnZeroClassTemplateInvocationContexts(ExtensionContext context) {
		return System.getProperty(TOPOLOGIES_PROPERTY) != null;
	}

	/** {@code -Dredis.topologies=standalone,cluster} keeps {@link RedisTopologies} classes to those runs. */
	private static List<Topology> selectedTopologies() {
		String selected = System.getProperty(TOPOLOGIES_PROPERTY);
		if (selected == null || selected.isBlank()) {
			return List.of(Topology.values());
		}
		return Arrays.stream(selected.split(","))
			.map(String::trim)
			.filter((name) -> !name.isEmpty())
			.map((name) -> Topology.valueOf(name.toUpperCase(Locale.ROOT)))
			.toList();
	}

	@Override
	public void beforeClassTemplateInvocation(ExtensionContext context) {
		if (!AnnotationSupport.isAnnotated(context.getRequiredTestClass(), RedisTopologies.class)) {
			return;
		}
		deployment(context);
		for (Method method : lifecycleMethods(context, BeforeTopology.class, HierarchyTraversalMode.TOP_DOWN)) {
			context.getExecutableInvoker().invoke(method, null);
		}
	}

	@Override
	public void afterClassTemplateInvocation(ExtensionContext context) {
		if (!AnnotationSupport.isAnnotated(context.getRequiredTestClass(), RedisTopologies.class)) {
			return;
		}
		RuntimeException failure = null;
		for (Method method : lifecycleMethods(context, AfterTopology.class, HierarchyTraversalMode.BOTTOM_UP)) {
			try {
				context.getExecutableInvoker().invoke(method, null);
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private static List<Method> lifecycleMethods(ExtensionContext context,
			Class<? extends java.lang.annotation.Annotation> annotation, HierarchyTraversalMode mode) {
		List<Method> methods = new ArrayList<>(
				AnnotationSupport.findAnnotatedMethods(context.getRequiredTestClass(), annotation, mode));
		for (Method method : methods) {
			if (!Modifier.isStatic(method.getModifiers())) {
				throw new IllegalStateException("@" + annotation.getSimpleName() + " method must be static: " + method);
			}
		}
		return methods;
	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		return context.getTestMethod()
			.flatMap((method) -> AnnotationSupport.findAnnotation(method, EnabledOnTopology.class))
			.map((enabled) -> {
				Topology current = settings(classContext(context)).topology();
				return Arrays.asList(enabled.value()).contains(current)
						? ConditionEvaluationResult.enabled("runs on " + name(current))
						: ConditionEvaluationResult.disabled("not on " + name(current) + ", only on "
								+ Arrays.stream(enabled.value()).map(RedisExtension::name).toList());
			})
			.orElse(ConditionEvaluationResult.enabled("not restricted to a topology"));
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (isTopologiesTemplate(context)) {
			// the class template itself, around its runs: each run starts its own deployment
			return;
		}
		deployment(context);
	}

	private static boolean isTopologiesTemplate(ExtensionContext context) {
		return AnnotationSupport.isAnnotated(context.getRequiredTestClass(), RedisTopologies.class)
				&& context.getStore(NAMESPACE).get(TOPOLOGY, Topology.class) == null;
	}

	private RedisDeployment deployment(ExtensionContext context) {
		ExtensionContext classContext = classContext(context);
		Settings settings = settings(classContext);
		return classContext.getStore(NAMESPACE)
			.computeIfAbsent(DEPLOYMENT, (key) -> create(context, settings), RedisDeployment.class);
	}

	/** What the class (for a {@link RedisTopologies} class: the current run of it) asks for. */
	private static Settings settings(ExtensionContext classContext) {
		Class<?> testClass = classContext.getRequiredTestClass();
		RedisTopologies topologies = AnnotationSupport.findAnnotation(testClass, RedisTopologies.class).orElse(null);
		if (topologies != null) {
			Topology topology = classContext.getStore(NAMESPACE).get(TOPOLOGY, Topology.class);
			if (topology == null) {
				throw new IllegalStateException("No topology run in progress for " + classContext.getDisplayName());
			}
			return new Settings(topology, Arrays.asList(topologies.process()).contains(topology));
		}
		RedisTest test = AnnotationSupport.findAnnotation(testClass, RedisTest.class)
			.orElseThrow(() -> new IllegalStateException("@RedisTest missing on " + classContext.getDisplayName()));
		return new Settings(test.topology(), test.process());
	}

	/**
	 * The cluster and the Sentinel set-up are started once per test JVM and flushed before every class;
	 * {@code process = true} gives a class its own set-up, which it may kill, pause or fail over.
	 */
	private RedisDeployment create(ExtensionContext context, Settings settings) {
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

	/** A constructor parameter too is resolved in the test's context, so that it sees the current topology run. */
	@Override
	public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
		return ExtensionContextScope.TEST_METHOD;
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

	private static String name(Topology topology) {
		return topology.name().toLowerCase(Locale.ROOT);
	}

	private record Settings(Topology topology, boolean process) {
	}

	/** One run of a {@link RedisTopologies} class, shown as {@code [cluster]}. */
	private record TopologyRun(Topology topology) implements ClassTemplateInvocationContext {

		@Override
		public String getDisplayName(int invocationIndex) {
			return "[" + name(this.topology) + "]";
		}

		@Override
		public void prepareInvocation(ExtensionContext context) {
			context.getStore(NAMESPACE).put(TOPOLOGY, this.topology);
		}

	}

	/** A shared cluster or Sentinel set-up seen from one class: closing the class must not stop it. */
	private record SharedDeployment(RedisDeployment delegate) implements RedisDeployment {

		@Override
		public Topology topology() {
			return this.delegate.topology();
		}

		@Override
		public List<String> nodes() {
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
		public List<Object> onEveryMaster(Object... args) {
			return this.delegate.onEveryMaster(args);
		}

		@Override
		public void awaitHealthy(Duration timeout) {
			this.delegate.awaitHealthy(timeout);
		}

	}

}
