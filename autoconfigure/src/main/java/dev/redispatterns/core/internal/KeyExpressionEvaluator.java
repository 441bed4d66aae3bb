package dev.redispatterns.core.internal;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.AccessException;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.BeanReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

import dev.redispatterns.core.KeyExpressionException;

/**
 * Evaluates the SpEL key expressions of every annotation of the starter ({@code @RateLimited(key = ...)},
 * {@code @DistributedLock(key = ...)}, ...), one evaluator shared by all advices.
 * <p>
 * Method arguments are available by name ({@code #userId}, which needs {@code -parameters}) and by
 * position ({@code #p0}, {@code #a0}); {@code #root} exposes the method, arguments and target. The
 * evaluation context is restricted: no type references ({@code T(...)}), no constructors, no methods of
 * {@code Object} or {@code Class}, read-only property access, and beans ({@code @beanName}, to call their
 * methods) only from an explicit list — so a key expression cannot run arbitrary code, and an expression
 * naming a bean outside the list fails when it is parsed, at start-up. Argument values are data, never
 * evaluated. Parsed expressions are cached.
 */
public final class KeyExpressionEvaluator {

	/** Allows every bean, for {@link #KeyExpressionEvaluator(BeanFactory, Collection)}. */
	public static final String ALL_BEANS = "*";

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	/** Parameter names per method, discovered once (reflection) rather than on every call. */
	private final Map<Method, String[]> parameterNames = new ConcurrentHashMap<>();

	private final ExpressionParser parser = new SpelExpressionParser();

	private final Map<String, Parsed> expressions = new ConcurrentHashMap<>();

	private final @Nullable BeanResolver beanResolver;

	private final Set<String> allowedBeans;

	/**
	 * An evaluator that may reference every bean of {@code beanFactory}.
	 * @param beanFactory source of {@code @beanName} references, or {@code null} to refuse them
	 */
	public KeyExpressionEvaluator(@Nullable BeanFactory beanFactory) {
		this(beanFactory, Set.of(ALL_BEANS));
	}

	/**
	 * @param beanFactory source of {@code @beanName} references, or {@code null} to refuse them all
	 * @param allowedBeans names of the beans expressions may reference; {@value #ALL_BEANS} for every bean
	 */
	public KeyExpressionEvaluator(@Nullable BeanFactory beanFactory, Collection<String> allowedBeans) {
		this.allowedBeans = Set.copyOf(allowedBeans);
		this.beanResolver = (beanFactory != null) ? restricted(new BeanFactoryResolver(beanFactory)) : null;
	}

	private BeanResolver restricted(BeanResolver resolver) {
		if (this.allowedBeans.contains(ALL_BEANS)) {
			return resolver;
		}
		return (context, beanName) -> {
			if (!this.allowedBeans.contains(beanName)) {
				throw new AccessException("bean '" + beanName + "' may not be used in key expressions");
			}
			return resolver.resolve(context, beanName);
		};
	}

	/**
	 * Parses an expression, so that an invalid one fails at start-up rather than at the first call.
	 * @throws KeyExpressionException naming the annotation, the method and the expression
	 */
	public void validate(String annotation, String expression, Method method) {
		parse(annotation, expression, method);
	}

	/**
	 * Evaluates {@code expression} for one invocation and returns the key as text.
	 * @throws KeyExpressionException if it cannot be evaluated or evaluates to {@code null}
	 */
	public String evaluate(String annotation, String expression, Method method, @Nullable Object[] args,
			@Nullable Object target, Class<?> targetClass) {
		String value = evaluateNullable(annotation, expression, method, args, target, targetClass);
		if (value == null) {
			throw new KeyExpressionException(describe(annotation, expression, method) + " evaluated to null");
		}
		return value;
	}

	/**
	 * Evaluates {@code expression} for one invocation and returns its value as text, {@code null} when it
	 * evaluates to {@code null} (for settings where that has a meaning, such as a rate-limit tier).
	 * @throws KeyExpressionException if it cannot be evaluated
	 */
	public @Nullable String evaluateNullable(String annotation, String expression, Method method,
			@Nullable Object[] args, @Nullable Object target, Class<?> targetClass) {
		Parsed parsed = parse(annotation, expression, method);
		if (parsed.variable != null) {
			// '#userId', '#p0': read the argument, as SpEL would, without an evaluation per call
			Object value = argument(parsed.variable, parameterNames(method), args);
			return (value != null) ? value.toString() : null;
		}
		KeyEvaluationContext context = new KeyEvaluationContext(
				new KeyExpressionRoot(method, args, target, targetClass), parameterNames(method), args,
				this.beanResolver);
		Object value;
		try {
			value = parsed.expression.getValue(context);
		}
		catch (EvaluationException | IllegalArgumentException | IllegalStateException ex) {
			throw new KeyExpressionException(describe(annotation, expression, method) + " cannot be evaluated: "
					+ ex.getMessage(), ex);
		}
		return (value != null) ? value.toString() : null;
	}

	private String @Nullable [] parameterNames(Method method) {
		String[] names = this.parameterNames.get(method);
		if (names == null) {
			String[] discovered = PARAMETER_NAMES.getParameterNames(method);
			names = (discovered != null) ? discovered : NO_NAMES;
			this.parameterNames.putIfAbsent(method, names);
		}
		return (names != NO_NAMES) ? names : null;
	}

	private static final String[] NO_NAMES = new String[0];

	private Parsed parse(String annotation, String expression, Method method) {
		Parsed cached = this.expressions.get(expression);
		if (cached != null) {
			return cached;
		}
		Expression parsed;
		if (expression.isBlank()) {
			throw new KeyExpressionException(describe(annotation, expression, method) + " is empty");
		}
		try {
			parsed = this.parser.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw new KeyExpressionException(
					describe(annotation, expression, method) + " is not a valid SpEL expression: " + ex.getMessage(), ex);
		}
		checkBeanReferences(annotation, expression, method, parsed);
		Parsed result = new Parsed(parsed, variableOnly(expression, parsed));
		this.expressions.putIfAbsent(expression, result);
		return result;
	}

	/**
	 * The variable's name when the whole expression reads one variable ({@code #userId}, {@code #p0}),
	 * the most common key; {@code #root} and {@code #this} are not arguments.
	 */
	private static @Nullable String variableOnly(String expression, Expression parsed) {
		if (!(parsed instanceof SpelExpression spel) || !(spel.getAST() instanceof VariableReference)
				|| spel.getAST().getChildCount() != 0) {
			return null;
		}
		String text = expression.strip();
		if (text.length() < 2 || text.charAt(0) != '#') {
			return null;
		}
		String name = text.substring(1);
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
				return null;
			}
		}
		return (name.equals("root") || name.equals("this")) ? null : name;
	}

	/** The argument a variable names: by parameter name, then {@code p<n>} or {@code a<n>}; else null. */
	static @Nullable Object argument(String name, String @Nullable [] names, @Nullable Object[] args) {
		if (names != null) {
			for (int i = 0; i < names.length && i < args.length; i++) {
				if (name.equals(names[i])) {
					return args[i];
				}
			}
		}
		if (name.length() > 1 && (name.charAt(0) == 'p' || name.charAt(0) == 'a')) {
			int index = argumentIndex(name);
			if (index >= 0 && index < args.length) {
				return args[index];
			}
		}
		return null;
	}

	/** The index of {@code p0}, {@code a12}, ..., or -1. */
	private static int argumentIndex(String name) {
		int index = 0;
		for (int i = 1; i < name.length(); i++) {
			char digit = name.charAt(i);
			if (digit < '0' || digit > '9' || index > 10_000) {
				return -1;
			}
			index = index * 10 + (digit - '0');
		}
		return index;
	}

	private record Parsed(Expression expression, @Nullable String variable) {
	}

	private void checkBeanReferences(String annotation, String expression, Method method, Expression parsed) {
		if (parsed instanceof SpelExpression spel) {
			checkBeanReferences(annotation, expression, method, spel.getAST());
		}
	}

	private void checkBeanReferences(String annotation, String expression, Method method, SpelNode node) {
		if (node instanceof BeanReference reference) {
			if (this.beanResolver == null) {
				throw new KeyExpressionException(describe(annotation, expression, method) + " references bean '"
						+ reference.getName() + "', but bean references are switched off "
						+ "(redis.patterns.expressions.allow-bean-references=false)");
			}
			if (!this.allowedBeans.contains(ALL_BEANS) && !this.allowedBeans.contains(reference.getName())) {
				throw new KeyExpressionException(describe(annotation, expression, method) + " references bean '"
						+ reference.getName() + "', which key expressions may not use; add it to "
						+ "redis.patterns.expressions.allowed-beans");
			}
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			checkBeanReferences(annotation, expression, method, node.getChild(i));
		}
	}

	private static String describe(String annotation, String expression, Method method) {
		return "Key expression '" + expression + "' of @" + annotation + " on "
				+ ClassUtils.getQualifiedMethodName(method) + "(" + parameterTypes(method) + ")";
	}

	private static String parameterTypes(Method method) {
		StringBuilder types = new StringBuilder();
		for (Class<?> type : method.getParameterTypes()) {
			if (!types.isEmpty()) {
				types.append(", ");
			}
			types.append(type.getSimpleName());
		}
		return types.toString();
	}

	/**
	 * The {@code #root} object of a key expression.
	 */
	public static final class KeyExpressionRoot {

		private final Method method;

		private final @Nullable Object[] args;

		private final @Nullable Object target;

		private final Class<?> targetClass;

		KeyExpressionRoot(Method method, @Nullable Object[] args, @Nullable Object target, Class<?> targetClass) {
			this.method = method;
			this.args = args;
			this.target = target;
			this.targetClass = targetClass;
		}

		public Method getMethod() {
			return this.method;
		}

		public String getMethodName() {
			return this.method.getName();
		}

		public @Nullable Object[] getArgs() {
			return this.args;
		}

		public @Nullable Object getTarget() {
			return this.target;
		}

		public Class<?> getTargetClass() {
			return this.targetClass;
		}

	}

}
