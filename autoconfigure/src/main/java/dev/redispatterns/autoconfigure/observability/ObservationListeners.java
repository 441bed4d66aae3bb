package dev.redispatterns.autoconfigure.observability;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.type.MethodMetadata;
import org.springframework.util.ClassUtils;

/**
 * Whether anything but metrics would receive the starter's observations. Its observations exist for traces
 * and custom handlers: the starter's own meter handler takes them from Micrometer's meter handlers and
 * records nothing, so with only metrics an observation per call would be pure cost (up to a quarter of an
 * annotated rate-limit decision). Micrometer does not show a registry's handlers, so this reads the
 * application context, the way Spring Boot fills the registry: only a registry that Boot created has
 * exactly the handlers of the context's beans (and of its customizers).
 */
final class ObservationListeners {

	private static final String BOOT_OBSERVATION_AUTO_CONFIGURATION = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration";

	private static final String OBSERVATION_REGISTRY_CUSTOMIZER = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationRegistryCustomizer";

	private static final String METER_OBSERVATION_HANDLER = "io.micrometer.core.instrument.observation.MeterObservationHandler";

	private ObservationListeners() {
	}

	/**
	 * True unless the registry is Spring Boot's and its only handlers are meter handlers: a tracing handler
	 * (Micrometer Tracing's are beans), any other handler bean, a customizer (it may register handlers we
	 * cannot see), or a registry of the application's own (its handlers are not visible) all count.
	 */
	static boolean present(ConfigurableListableBeanFactory beanFactory, ObjectProvider<ObservationHandler<?>> handlers) {
		if (!registryCreatedByBoot(beanFactory)) {
			return true;
		}
		if (hasBean(beanFactory, OBSERVATION_REGISTRY_CUSTOMIZER)) {
			return true;
		}
		Class<?> meterHandler = resolve(beanFactory, METER_OBSERVATION_HANDLER);
		return handlers.stream().anyMatch((handler) -> meterHandler == null || !meterHandler.isInstance(handler));
	}

	private static boolean registryCreatedByBoot(ConfigurableListableBeanFactory beanFactory) {
		String[] names = beanFactory.getBeanNamesForType(ObservationRegistry.class, true, false);
		if (names.length == 0) {
			return false;
		}
		for (String name : names) {
			if (!beanFactory.containsBeanDefinition(name)) {
				return false;
			}
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			MethodMetadata factoryMethod = (definition instanceof AnnotatedBeanDefinition annotated)
					? annotated.getFactoryMethodMetadata() : null;
			if (factoryMethod == null
					|| !BOOT_OBSERVATION_AUTO_CONFIGURATION.equals(factoryMethod.getDeclaringClassName())) {
				return false;
			}
		}
		return true;
	}

	private static boolean hasBean(ConfigurableListableBeanFactory beanFactory, String typeName) {
		Class<?> type = resolve(beanFactory, typeName);
		return type != null && beanFactory.getBeanNamesForType(type, true, false).length > 0;
	}

	private static @Nullable Class<?> resolve(ConfigurableListableBeanFactory beanFactory, String typeName) {
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		return ClassUtils.isPresent(typeName, classLoader) ? ClassUtils.resolveClassName(typeName, classLoader) : null;
	}

}
