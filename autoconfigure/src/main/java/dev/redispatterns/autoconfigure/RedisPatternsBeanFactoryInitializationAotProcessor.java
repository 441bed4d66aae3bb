package dev.redispatterns.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Jackson binding hints for the types the starter writes to Redis as JSON and reads back: those named in
 * {@code redis.patterns.codec.allowed-types}, and the results of {@code @Cacheable} and {@code @CachePut}
 * methods of the application's beans (unwrapped from {@code Optional}, {@code CompletableFuture} and the
 * like). Types known only by an allowed package cannot be listed; register them with
 * {@code @RegisterReflectionForBinding}.
 */
class RedisPatternsBeanFactoryInitializationAotProcessor implements BeanFactoryInitializationAotProcessor {

	private static final String CACHEABLE = "org.springframework.cache.annotation.Cacheable";

	private static final String CACHE_PUT = "org.springframework.cache.annotation.CachePut";

	private static final Set<String> WRAPPERS = Set.of("java.util.Optional", "java.util.concurrent.CompletableFuture",
			"java.util.concurrent.CompletionStage", "reactor.core.publisher.Mono", "reactor.core.publisher.Flux");

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		Set<Type> types = new LinkedHashSet<>();
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		if (beanFactory.containsBean("environment")) {
			Environment environment = beanFactory.getBean("environment", Environment.class);
			List<String> allowed = Binder.get(environment)
				.bind("redis.patterns.codec.allowed-types", Bindable.listOf(String.class))
				.orElse(List.of());
			for (String name : allowed) {
				if (ClassUtils.isPresent(name, classLoader)) {
					types.add(ClassUtils.resolveClassName(name, classLoader));
				}
			}
		}
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> beanType = beanFactory.getType(name, false);
			if (beanType != null) {
				ReflectionUtils.doWithMethods(ClassUtils.getUserClass(beanType), (method) -> addResult(method, types),
						RedisPatternsBeanFactoryInitializationAotProcessor::isCaching);
			}
		}
		if (types.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();
			types.forEach((type) -> bindings.registerReflectionHints(generationContext.getRuntimeHints().reflection(), type));
		};
	}

	private static boolean isCaching(Method method) {
		MergedAnnotations annotations = MergedAnnotations.from(method);
		return annotations.isPresent(CACHEABLE) || annotations.isPresent(CACHE_PUT);
	}

	/** The stored type: the return type, or what an Optional, a future or a Mono/Flux holds. */
	private static void addResult(Method method, Set<Type> types) {
		ResolvableType result = ResolvableType.forMethodReturnType(method);
		Class<?> raw = result.resolve();
		if (raw == null || raw == void.class || raw.isPrimitive()) {
			return;
		}
		if (WRAPPERS.contains(raw.getName()) && result.hasGenerics()) {
			result = result.getGeneric(0);
		}
		types.add(result.getType());
	}

}
