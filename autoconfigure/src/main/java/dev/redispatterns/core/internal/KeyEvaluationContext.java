package dev.redispatterns.core.internal;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Member;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MapAccessor;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.expression.AccessException;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.ConstructorResolver;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.MethodExecutor;
import org.springframework.expression.MethodResolver;
import org.springframework.expression.OperatorOverloader;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypeComparator;
import org.springframework.expression.TypeConverter;
import org.springframework.expression.TypeLocator;
import org.springframework.expression.TypedValue;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.SpelMessage;
import org.springframework.expression.spel.support.DataBindingMethodResolver;
import org.springframework.expression.spel.support.DataBindingPropertyAccessor;
import org.springframework.expression.spel.support.StandardOperatorOverloader;
import org.springframework.expression.spel.support.StandardTypeComparator;
import org.springframework.expression.spel.support.StandardTypeConverter;

import dev.redispatterns.core.internal.KeyExpressionEvaluator.KeyExpressionRoot;

/**
 * The restricted context of one evaluation, cheap to create: the same variables as Spring's
 * {@code MethodBasedEvaluationContext} (arguments by name, {@code #p0}, {@code #a0}) looked up in the
 * call's arguments instead of copied into a map, and shared resolvers, accessors and converters.
 */
final class KeyEvaluationContext implements EvaluationContext {

	private static final MethodResolver METHODS = new NoReflectionMethodResolver(
			DataBindingMethodResolver.forInstanceMethodInvocation());

	// Shared by every evaluation: the resolvers and accessors are thread-safe, and the property accessor
	// keeps its reflective look-ups cached across calls instead of redoing them for each one.
	private static final List<MethodResolver> METHOD_RESOLVERS = List.of(METHODS);

	private static final List<PropertyAccessor> PROPERTY_ACCESSORS = List.of(new MapAccessor(false),
			DataBindingPropertyAccessor.forReadOnlyAccess());

	private static final TypeLocator NO_TYPES = (typeName) -> {
		throw new SpelEvaluationException(SpelMessage.TYPE_NOT_FOUND, typeName);
	};

	private static final TypeConverter TYPE_CONVERTER = new StandardTypeConverter();

	private static final TypeComparator TYPE_COMPARATOR = new StandardTypeComparator();

	private static final OperatorOverloader OPERATORS = new StandardOperatorOverloader();

	private final TypedValue root;

	private final String @Nullable [] names;

	private final @Nullable Object[] args;

	private final @Nullable BeanResolver beanResolver;

	private @Nullable Map<String, @Nullable Object> variables;

	KeyEvaluationContext(KeyExpressionRoot root, String @Nullable [] names, @Nullable Object[] args,
			@Nullable BeanResolver beanResolver) {
		this.root = new TypedValue(root);
		this.names = names;
		this.args = args;
		this.beanResolver = beanResolver;
	}

	@Override
	public TypedValue getRootObject() {
		return this.root;
	}

	@Override
	public List<PropertyAccessor> getPropertyAccessors() {
		return PROPERTY_ACCESSORS;
	}

	@Override
	public List<ConstructorResolver> getConstructorResolvers() {
		return List.of();
	}

	@Override
	public List<MethodResolver> getMethodResolvers() {
		return METHOD_RESOLVERS;
	}

	@Override
	public @Nullable BeanResolver getBeanResolver() {
		return this.beanResolver;
	}

	@Override
	public TypeLocator getTypeLocator() {
		return NO_TYPES;
	}

	@Override
	public TypeConverter getTypeConverter() {
		return TYPE_CONVERTER;
	}

	@Override
	public TypeComparator getTypeComparator() {
		return TYPE_COMPARATOR;
	}

	@Override
	public OperatorOverloader getOperatorOverloader() {
		return OPERATORS;
	}

	@Override
	public void setVariable(String name, @Nullable Object value) {
		if (this.variables == null) {
			this.variables = new java.util.HashMap<>();
		}
		this.variables.put(name, value);
	}

	@Override
	public @Nullable Object lookupVariable(String name) {
		if (this.variables != null && this.variables.containsKey(name)) {
			return this.variables.get(name);
		}
		return KeyExpressionEvaluator.argument(name, this.names, this.args);
	}

	/**
	 * Instance methods of the values an expression reaches, except those of reflection objects
	 * ({@code #root.method.invoke(...)}), class loaders and threads: no way out of the data.
	 */
	private static final class NoReflectionMethodResolver implements MethodResolver {

		private final MethodResolver delegate;

		NoReflectionMethodResolver(MethodResolver delegate) {
			this.delegate = delegate;
		}

		@Override
		public @Nullable MethodExecutor resolve(EvaluationContext context, Object target, String name,
				List<TypeDescriptor> argumentTypes) throws AccessException {
			if (target instanceof AccessibleObject || target instanceof Member
					|| target instanceof ClassLoader || target instanceof Thread || target instanceof Runtime
					|| target instanceof Module) {
				return null;
			}
			return this.delegate.resolve(context, target, name, argumentTypes);
		}

	}

}
