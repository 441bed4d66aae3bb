package dev.redispatterns.ratelimit;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;

import dev.redispatterns.core.KeyExpressionEvaluator;

/**
 * Turns the {@link RateLimited} annotations of a method into a checked, cached plan: policies resolved
 * (inline ones registered), key expressions parsed. Used at start-up to fail fast and by the advice at
 * run time, so both apply exactly the same rules.
 */
public final class RateLimitedMethods {

	static final String ANNOTATION = "RateLimited";

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			RateLimitedMethods.class.getClassLoader());

	private static final Plan NONE = new Plan(List.of(), false);

	private final RateLimiter limiter;

	private final KeyExpressionEvaluator evaluator;

	private final UnaryOperator<RateLimitPolicy> inlineDefaults;

	private final Map<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

	/**
	 * @param inlineDefaults applies the configured defaults (fail-open, local fallback) to inline policies
	 */
	public RateLimitedMethods(RateLimiter limiter, KeyExpressionEvaluator evaluator,
			UnaryOperator<RateLimitPolicy> inlineDefaults) {
		this.limiter = limiter;
		this.evaluator = evaluator;
		this.inlineDefaults = inlineDefaults;
	}

	/** The annotations in force for a method: its own, or else its class's (public methods only). */
	public static List<RateLimited> annotations(Method method, Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return List.of();
		}
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		List<RateLimited> own = MergedAnnotations.from(specific, SearchStrategy.TYPE_HIERARCHY)
			.stream(RateLimited.class)
			.map((annotation) -> annotation.synthesize())
			.toList();
		if (!own.isEmpty() || !Modifier.isPublic(specific.getModifiers())) {
			return own;
		}
		return MergedAnnotations.from(targetClass, SearchStrategy.TYPE_HIERARCHY)
			.stream(RateLimited.class)
			.map((annotation) -> annotation.synthesize())
			.toList();
	}

	/**
	 * The checked plan of a method, cached.
	 * @throws IllegalStateException naming the method when an annotation is invalid
	 */
	public Plan plan(Method method, Class<?> targetClass) {
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		Plan plan = this.plans.get(cacheKey);
		if (plan == null) {
			plan = this.plans.computeIfAbsent(cacheKey, (ignored) -> create(method, targetClass));
		}
		return plan;
	}

	private Plan create(Method method, Class<?> targetClass) {
		List<RateLimited> annotations = annotations(method, targetClass);
		if (annotations.isEmpty()) {
			return NONE;
		}
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		String where = ClassUtils.getQualifiedMethodName(specific, targetClass);
		List<Limit> limits = new ArrayList<>(annotations.size());
		for (RateLimited annotation : annotations) {
			if (annotation.permits() < 1) {
				throw new IllegalStateException(
						"@RateLimited on " + where + ": permits must be at least 1, was " + annotation.permits());
			}
			String policy = policy(annotation, specific, targetClass, where);
			String expression = annotation.key().isBlank() ? null : annotation.key();
			if (expression != null) {
				this.evaluator.validate(ANNOTATION, expression, specific);
			}
			limits.add(new Limit(policy, expression, where, annotation.permits()));
		}
		boolean reactive = REACTOR_PRESENT && Publisher.class.isAssignableFrom(method.getReturnType());
		return new Plan(List.copyOf(limits), reactive);
	}

	private String policy(RateLimited annotation, Method method, Class<?> targetClass, String where) {
		if (annotation.limit() > 0) {
			return registerInline(annotation, method, targetClass, where);
		}
		if (annotation.limit() < 0) {
			throw new IllegalStateException("@RateLimited on " + where + ": limit must be positive, was " + annotation.limit());
		}
		if (!annotation.window().isBlank()) {
			throw new IllegalStateException("@RateLimited on " + where + ": window '" + annotation.window()
					+ "' needs a limit as well");
		}
		if (annotation.value().isBlank()) {
			throw new IllegalStateException("@RateLimited on " + where
					+ " needs a policy name (value) or an inline limit and window");
		}
		if (!this.limiter.hasPolicy(annotation.value())) {
			throw new IllegalStateException("@RateLimited on " + where + " names policy '" + annotation.value()
					+ "', which is not defined: add redis.patterns.rate-limit.policies." + annotation.value()
					+ ".* or declare it inline with limit and window");
		}
		return annotation.value();
	}

	private String registerInline(RateLimited annotation, Method method, Class<?> targetClass, String where) {
		if (annotation.window().isBlank()) {
			throw new IllegalStateException("@RateLimited on " + where + ": an inline limit needs a window, e.g. \"1m\"");
		}
		Duration window;
		try {
			window = DurationStyle.detectAndParse(annotation.window());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(
					"@RateLimited on " + where + ": window '" + annotation.window() + "' is not a duration", ex);
		}
		if (window.toMillis() < 1) {
			throw new IllegalStateException("@RateLimited on " + where + ": window must be at least 1ms");
		}
		String name = annotation.value().isBlank() ? targetClass.getSimpleName() + "." + method.getName()
				: annotation.value();
		RateLimitPolicy policy = (annotation.algorithm() == RateLimitAlgorithm.TOKEN_BUCKET)
				? RateLimitPolicy.tokenBucket(name, annotation.limit(), annotation.limit() / (window.toNanos() / 1e9))
				: RateLimitPolicy.of(name, annotation.algorithm(), annotation.limit(), window);
		try {
			return this.limiter.register(this.inlineDefaults.apply(policy)).name();
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("@RateLimited on " + where + ": " + ex.getMessage(), ex);
		}
	}

	/** One limit of a method: the policy, how to find the bucket key, the permits. */
	record Limit(String policy, @Nullable String expression, String methodKey, long permits) {

	}

	/** The limits of one method, checked. */
	public static final class Plan {

		private final List<Limit> limits;

		private final boolean reactive;

		Plan(List<Limit> limits, boolean reactive) {
			this.limits = limits;
			this.reactive = reactive;
		}

		public boolean isEmpty() {
			return this.limits.isEmpty();
		}

		/** Whether the method returns a Reactive Streams publisher and is checked without blocking. */
		public boolean isReactive() {
			return this.reactive;
		}

		public int size() {
			return this.limits.size();
		}

		/** The requests of one invocation: the key expressions evaluated against its arguments. */
		public List<RateLimitRequest> requests(KeyExpressionEvaluator evaluator, Method method,
				@Nullable Object[] arguments, @Nullable Object target, Class<?> targetClass) {
			if (this.limits.size() == 1) {
				return List.of(request(this.limits.get(0), evaluator, method, arguments, target, targetClass));
			}
			List<RateLimitRequest> requests = new ArrayList<>(this.limits.size());
			for (Limit limit : this.limits) {
				requests.add(request(limit, evaluator, method, arguments, target, targetClass));
			}
			return requests;
		}

		private static RateLimitRequest request(Limit limit, KeyExpressionEvaluator evaluator, Method method,
				@Nullable Object[] arguments, @Nullable Object target, Class<?> targetClass) {
			String key = (limit.expression() != null)
					? evaluator.evaluate(ANNOTATION, limit.expression(), method, arguments, target, targetClass)
					: limit.methodKey();
			return new RateLimitRequest(limit.policy(), key, limit.permits());
		}

	}

	KeyExpressionEvaluator evaluator() {
		return this.evaluator;
	}

}
