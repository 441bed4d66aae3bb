package dev.redispatterns.ratelimit.internal;

import java.lang.reflect.Method;
import java.util.Map;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

import dev.redispatterns.ratelimit.RateLimited;

/**
 * Checks every {@link RateLimited} method of every bean once the singletons exist, lazy beans included,
 * so that an undefined policy, an invalid inline limit or a broken key expression stops the application
 * at start-up instead of failing its first request. Inline policies are registered on the way.
 */
public final class RateLimitedMethodsValidator implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final RateLimitedMethods methods;

	public RateLimitedMethodsValidator(ConfigurableListableBeanFactory beanFactory, RateLimitedMethods methods) {
		this.beanFactory = beanFactory;
		this.methods = methods;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type;
			try {
				type = this.beanFactory.getType(name, false);
			}
			catch (RuntimeException ex) {
				continue;
			}
			if (type == null) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(type);
			if (!AnnotationUtils.isCandidateClass(userClass, RateLimited.class)
					&& !AnnotationUtils.isCandidateClass(userClass, RateLimited.List.class)) {
				continue;
			}
			Map<Method, Boolean> annotated = MethodIntrospector.selectMethods(userClass,
					(MethodIntrospector.MetadataLookup<Boolean>) (method) -> RateLimitedMethods
						.annotations(method, userClass)
						.isEmpty() ? null : Boolean.TRUE);
			for (Method method : annotated.keySet()) {
				this.methods.plan(method, userClass);
			}
		}
	}

}
