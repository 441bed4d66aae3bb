package dev.redispatterns.messaging.internal;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.PubSubListener;
import dev.redispatterns.messaging.QueueListener;
import dev.redispatterns.messaging.StreamGroupListener;

/**
 * AOT hints of a listener method ({@link PubSubListener}, {@link StreamGroupListener},
 * {@link QueueListener}): the method is invoked reflectively, and its parameters other than
 * {@link Delivery} and the channel name are read from JSON, so their types get Jackson binding hints.
 */
public class ListenerReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	public void registerReflectionHints(ReflectionHints hints, AnnotatedElement element) {
		super.registerReflectionHints(hints, element);
		if (element instanceof Method method) {
			for (Class<?> type : method.getParameterTypes()) {
				if (type != Delivery.class && type != String.class && !type.isPrimitive()) {
					this.bindings.registerReflectionHints(hints, type);
				}
			}
		}
	}

}
