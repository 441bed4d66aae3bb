package dev.redispatterns.messaging.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EmbeddedValueResolverAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.messaging.PubSubListener;
import dev.redispatterns.messaging.QueueListener;
import dev.redispatterns.messaging.StreamGroupListener;

/**
 * Finds {@link PubSubListener}, {@link StreamGroupListener} and {@link QueueListener} methods on beans,
 * checks their signatures and names at start-up (a wrong listener fails the start, naming the method), and
 * collects them for {@link AnnotatedListenerLifecycle}, which subscribes and starts the consumers.
 */
public final class AnnotatedListenerProcessor implements BeanPostProcessor, EmbeddedValueResolverAware {

	private static final List<Class<? extends java.lang.annotation.Annotation>> ANNOTATIONS = List
		.of(PubSubListener.class, StreamGroupListener.class, QueueListener.class);

	private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

	private final Set<Class<?>> plainClasses = ConcurrentHashMap.newKeySet();

	private @Nullable StringValueResolver resolver;

	@Override
	public void setEmbeddedValueResolver(StringValueResolver resolver) {
		this.resolver = resolver;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AopInfrastructureBean) {
			return bean;
		}
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		if (this.plainClasses.contains(targetClass)) {
			return bean;
		}
		if (!AnnotationUtils.isCandidateClass(targetClass, ANNOTATIONS)) {
			this.plainClasses.add(targetClass);
			return bean;
		}
		Map<Method, Boolean> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<Boolean>) (method) -> ANNOTATIONS.stream()
					.anyMatch((type) -> AnnotatedElementUtils.hasAnnotation(method, type)) ? Boolean.TRUE : null);
		if (methods.isEmpty()) {
			this.plainClasses.add(targetClass);
			return bean;
		}
		for (Method method : methods.keySet()) {
			register(bean, method);
		}
		return bean;
	}

	private void register(Object bean, Method method) {
		PubSubListener pubSub = AnnotatedElementUtils.findMergedAnnotation(method, PubSubListener.class);
		if (pubSub != null) {
			ListenerMethod listener = ListenerMethod.pubSub(bean, method, "PubSubListener");
			List<String> channels = resolveAll(pubSub.channels());
			List<String> patterns = resolveAll(pubSub.patterns());
			if (channels.isEmpty() && patterns.isEmpty()) {
				throw new RedisPatternsConfigurationException(listener.description() + " names no channel and no pattern",
						"Set the annotation's channels or patterns attribute.");
			}
			this.endpoints.add(new PubSubEndpoint(listener, channels, patterns));
		}
		StreamGroupListener stream = AnnotatedElementUtils.findMergedAnnotation(method, StreamGroupListener.class);
		if (stream != null) {
			ListenerMethod listener = ListenerMethod.messages(bean, method, "StreamGroupListener");
			this.endpoints.add(new StreamEndpoint(listener, required(stream.stream(), "stream", listener),
					required(stream.group(), "group", listener), concurrency(stream.concurrency(), listener)));
		}
		QueueListener queue = AnnotatedElementUtils.findMergedAnnotation(method, QueueListener.class);
		if (queue != null) {
			ListenerMethod listener = ListenerMethod.messages(bean, method, "QueueListener");
			this.endpoints.add(new QueueEndpoint(listener, required(queue.queue(), "queue", listener),
					concurrency(queue.concurrency(), listener)));
		}
	}

	/** The listeners found so far. */
	public List<Endpoint> endpoints() {
		return List.copyOf(this.endpoints);
	}

	private List<String> resolveAll(String[] values) {
		List<String> resolved = new ArrayList<>(values.length);
		for (String value : values) {
			String name = resolve(value);
			if (StringUtils.hasText(name)) {
				resolved.add(name);
			}
		}
		return resolved;
	}

	private String required(String value, String attribute, ListenerMethod listener) {
		String name = resolve(value);
		if (!StringUtils.hasText(name)) {
			throw new RedisPatternsConfigurationException(listener.description() + " needs a non-empty " + attribute,
					"Set the annotation's " + attribute + " attribute to a name, or to a ${...} placeholder that resolves to one.");
		}
		return name;
	}

	private static int concurrency(int value, ListenerMethod listener) {
		if (value < 0) {
			throw new RedisPatternsConfigurationException(listener.description() + " has a negative concurrency",
					"Set concurrency to 0 (the configured default) or more.");
		}
		return value;
	}

	private String resolve(String value) {
		StringValueResolver current = this.resolver;
		String resolved = (current != null) ? current.resolveStringValue(value) : value;
		return (resolved != null) ? resolved.trim() : "";
	}

	/** A listener method found on a bean. */
	public sealed interface Endpoint permits PubSubEndpoint, StreamEndpoint, QueueEndpoint {

	}

	/** A {@link PubSubListener} method. */
	record PubSubEndpoint(ListenerMethod method, List<String> channels, List<String> patterns) implements Endpoint {

	}

	/** A {@link StreamGroupListener} method; concurrency 0 means the configured one. */
	record StreamEndpoint(ListenerMethod method, String stream, String group, int concurrency) implements Endpoint {

	}

	/** A {@link QueueListener} method; concurrency 0 means the configured one. */
	record QueueEndpoint(ListenerMethod method, String queue, int concurrency) implements Endpoint {

	}

}
