package dev.redispatterns.messaging.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.ValueCodec;
import dev.redispatterns.core.ValueDecodingException;
import dev.redispatterns.messaging.Delivery;
import dev.redispatterns.messaging.PoisonMessageException;

/**
 * An annotated bean method, analysed once at start-up: which parameter takes the payload (and its type),
 * which takes the {@link Delivery} or the channel. Invoked through the bean's proxy, so other advice on the
 * method (transactions, for example) applies.
 */
public final class ListenerMethod {

	private final Object bean;

	private final Method method;

	private final String description;

	private final Class<?> payloadType;

	private final int payloadIndex;

	private final int deliveryIndex;

	private final int channelIndex;

	private final int arity;

	private ListenerMethod(Object bean, Method method, String description, Class<?> payloadType, int payloadIndex,
			int deliveryIndex, int channelIndex) {
		this.bean = bean;
		this.method = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(this.method);
		this.description = description;
		this.payloadType = payloadType;
		this.payloadIndex = payloadIndex;
		this.deliveryIndex = deliveryIndex;
		this.channelIndex = channelIndex;
		this.arity = method.getParameterCount();
	}

	/** A pub/sub listener: {@code (payload)} or {@code (payload, String channel)}. */
	static ListenerMethod pubSub(Object bean, Method method, String annotation) {
		String description = describe(annotation, method);
		Class<?>[] types = method.getParameterTypes();
		if (types.length == 1) {
			return new ListenerMethod(bean, method, description, types[0], 0, -1, -1);
		}
		if (types.length == 2 && types[1] == String.class) {
			return new ListenerMethod(bean, method, description, types[0], 0, -1, 1);
		}
		throw new RedisPatternsConfigurationException(description
				+ " must take the payload and, optionally, a String parameter for the channel, but takes "
				+ types.length + " parameters",
				"Declare the method as void " + method.getName() + "(Payload payload) or void " + method.getName()
						+ "(Payload payload, String channel).");
	}

	/** A stream or queue listener: the payload and, in any position, an optional {@link Delivery}. */
	static ListenerMethod messages(Object bean, Method method, String annotation) {
		String description = describe(annotation, method);
		Class<?>[] types = method.getParameterTypes();
		int delivery = -1;
		int payload = -1;
		for (int i = 0; i < types.length; i++) {
			if (types[i] == Delivery.class && delivery < 0) {
				delivery = i;
			}
			else if (payload < 0) {
				payload = i;
			}
			else {
				payload = -2;
			}
		}
		if (payload < 0) {
			throw new RedisPatternsConfigurationException(description
					+ " must take exactly one payload parameter and, optionally, a Delivery parameter",
					"Declare the method with one payload parameter and, optionally, a "
							+ Delivery.class.getName() + " parameter.");
		}
		return new ListenerMethod(bean, method, description, types[payload], payload, delivery, -1);
	}

	private static String describe(String annotation, Method method) {
		return "@" + annotation + " method " + method.getDeclaringClass().getName() + "." + method.getName() + "()";
	}

	String description() {
		return this.description;
	}

	Class<?> payloadType() {
		return this.payloadType;
	}

	/**
	 * Decodes a payload into the parameter type.
	 * @throws ValueDecodingException if the bytes cannot be read as that type
	 */
	@Nullable Object decode(byte[] payload, ValueCodec codec) {
		if (this.payloadType == byte[].class) {
			return payload;
		}
		return codec.read(payload, this.payloadType);
	}

	void invoke(@Nullable Object payload, @Nullable Delivery delivery, @Nullable String channel) throws Exception {
		Object[] args = new Object[this.arity];
		args[this.payloadIndex] = payload;
		if (this.deliveryIndex >= 0) {
			args[this.deliveryIndex] = delivery;
		}
		if (this.channelIndex >= 0) {
			args[this.channelIndex] = channel;
		}
		try {
			this.method.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getTargetException();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	/** The method as a stream or queue handler: unreadable payloads are poison. */
	MessageHandler asHandler(ValueCodec codec) {
		return (payload, delivery) -> {
			Object decoded;
			try {
				decoded = decode(payload, codec);
			}
			catch (ValueDecodingException ex) {
				throw new PoisonMessageException("Payload cannot be read as " + this.payloadType.getName() + " for "
						+ this.description + ": " + ex.getMessage(), ex);
			}
			invoke(decoded, delivery, null);
		};
	}

}
