package dev.redispatterns.ratelimit.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;

import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.internal.KeyExpressionEvaluator;
import dev.redispatterns.ratelimit.RateLimitAlgorithm;
import dev.redispatterns.ratelimit.RateLimitPolicy;
import dev.redispatterns.ratelimit.RateLimitRequest;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.ratelimit.RateLimiter;

/**
 * Turns the {@link RateLimited} annotations of a method into a checked, cached plan: policies resolved
 * (inline ones registered), key expressions parsed. Used at start-up to fail fast and by the advice at
 * run time, so both apply exactly the same rules.
 */
public final class RateLimitedMethods {

	static final String ANNOTATION = "RateLimited";

	private static final Log logger = LogFactory.getLog(RateLimitedMethods.class);

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			RateLimitedMethods.class.getClassLoader());

	private static final Plan NONE = new Plan(List.of(), Plan.Kind.PLAIN);

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
	 * @throws RedisPatternsConfigurationException naming the method and attribute when an annotation is invalid
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
				throw invalid(where, "permits must be at least 1, was " + annotation.permits(),
						"Set the annotation's permits attribute (the cost of one call) to 1 or more.");
			}
			String policy = policy(annotation, specific, targetClass, where);
			String expression = annotation.key().isBlank() ? null : annotation.key();
			if (expression != null) {
				this.evaluator.validate(ANNOTATION, expression, specific);
			}
			String tier = tier(annotation, policy, specific, where);
			limits.add(new Limit(policy, expression, where, annotation.permits(), tier, wait(annotation, where),
					annotation.count(), new AtomicBoolean()));
		}
		Class<?> returnType = method.getReturnType();
		Plan.Kind kind = (REACTOR_PRESENT && Publisher.class.isAssignableFrom(returnType)) ? Plan.Kind.PUBLISHER
				: (returnType == CompletableFuture.class || returnType == CompletionStage.class) ? Plan.Kind.FUTURE
						: Plan.Kind.PLAIN;
		return new Plan(List.copyOf(limits), kind);
	}

	private @Nullable String tier(RateLimited annotation, String policy, Method method, String where) {
		if (annotation.tier().isBlank()) {
			return null;
		}
		if (annotation.limit() > 0) {
			throw invalid(where, "tier '" + annotation.tier() + "' needs a configured policy with tiers, not an inline limit",
					"Name a policy (value) whose tiers are set under redis.patterns.rate-limit.policies.<name>.tiers.<tier>.*, "
							+ "or remove the tier attribute.");
		}
		if (this.limiter.policy(policy).tiers().isEmpty()) {
			throw invalid(where, "tier '" + annotation.tier() + "' chooses a tier of policy '" + policy
					+ "', which has none under redis.patterns.rate-limit.policies." + policy + ".tiers",
					"Define the tiers under redis.patterns.rate-limit.policies." + policy
							+ ".tiers.<tier>.*, or remove the annotation's tier attribute.");
		}
		this.evaluator.validate(ANNOTATION, annotation.tier(), method);
		return annotation.tier();
	}

	private static Duration wait(RateLimited annotation, String where) {
		if (annotation.waitTime().isBlank()) {
			return Duration.ZERO;
		}
		Duration wait;
		try {
			wait = DurationStyle.detectAndParse(annotation.waitTime());
		}
		catch (IllegalArgumentException ex) {
			throw invalid(where, "waitTime '" + annotation.waitTime() + "' is not a duration", WAIT_TIME_ACTION, ex);
		}
		if (wait.isNegative()) {
			throw invalid(where, "waitTime must not be negative, was '" + annotation.waitTime() + "'", WAIT_TIME_ACTION);
		}
		return wait;
	}

	private String policy(RateLimited annotation, Method method, Class<?> targetClass, String where) {
		if (annotation.limit() > 0) {
			return registerInline(annotation, method, targetClass, where);
		}
		if (annotation.limit() < 0) {
			throw invalid(where, "limit must be positive, was " + annotation.limit(),
					"Set limit to the number of calls allowed per window, or leave it out and name a configured policy (value).");
		}
		if (!annotation.window().isBlank()) {
			throw invalid(where, "window '" + annotation.window() + "' needs a limit as well",
					"Set limit together with window for an inline limit, or remove window and name a configured policy (value).");
		}
		if (annotation.value().isBlank()) {
			throw invalid(where, "value (the policy name) is empty and no inline limit and window are set",
					"Name a policy configured under redis.patterns.rate-limit.policies.<name>.*, or declare the limit inline, "
							+ "e.g. @RateLimited(limit = 100, window = \"1m\").");
		}
		if (!this.limiter.hasPolicy(annotation.value())) {
			throw invalid(where, "value names policy '" + annotation.value()
					+ "', which is not defined under redis.patterns.rate-limit.policies." + annotation.value(),
					"Configure redis.patterns.rate-limit.policies." + annotation.value()
							+ ".* (algorithm, limit, window), correct the name, or declare the limit inline with limit and window.");
		}
		return annotation.value();
	}

	private String registerInline(RateLimited annotation, Method method, Class<?> targetClass, String where) {
		if (annotation.window().isBlank()) {
			throw invalid(where, "an inline limit needs a window", "Set window as well, e.g. window = \"1m\".");
		}
		Duration window;
		try {
			window = DurationStyle.detectAndParse(annotation.window());
		}
		catch (IllegalArgumentException ex) {
			throw invalid(where, "window '" + annotation.window() + "' is not a duration", WINDOW_ACTION, ex);
		}
		if (window.toMillis() < 1) {
			throw invalid(where, "window must be at least 1ms, was '" + annotation.window() + "'", WINDOW_ACTION);
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
			throw invalid(where, ex.getMessage(), "Give the inline limit a name (value) of its own, or make its settings "
					+ "match those of the policy already defined under that name.", ex);
		}
	}

	private static final String WAIT_TIME_ACTION = "Set waitTime to a duration such as '2s', '250ms' or 'PT1M', or leave "
			+ "it empty to reject at once when the limit is reached.";

	private static final String WINDOW_ACTION = "Set window to a duration of at least 1ms, such as '1m', '500ms' or 'PT1H'.";

	private static RedisPatternsConfigurationException invalid(String where, String description, String action) {
		return new RedisPatternsConfigurationException("@RateLimited on " + where + ": " + description, action);
	}

	private static RedisPatternsConfigurationException invalid(String where, String description, String action,
			Throwable cause) {
		return new RedisPatternsConfigurationException("@RateLimited on " + where + ": " + description, action, cause);
	}

	/**
	 * One limit of a method: the policy, how to find the bucket key and the tier, the permits, the wait and
	 * which outcomes count.
	 */
	record Limit(String policy, @Nullable String expression, String methodKey, long permits,
			@Nullable String tierExpression, Duration maxWait, RateLimited.Count count, AtomicBoolean nullTierLogged) {

	}

	/** The limits of one method, checked. */
	public static final class Plan {

		/** How a method's result is handled: a value, a Reactive Streams publisher, a future. */
		public enum Kind {

			PLAIN, PUBLISHER, FUTURE

		}

		private final List<Limit> limits;

		private final Kind kind;

		private final boolean waits;

		private final boolean counts;

		Plan(List<Limit> limits, Kind kind) {
			this.limits = limits;
			this.kind = kind;
			this.waits = limits.stream().anyMatch((limit) -> !limit.maxWait().isZero());
			this.counts = limits.stream().anyMatch((limit) -> limit.count() != RateLimited.Count.ALL);
		}

		public boolean isEmpty() {
			return this.limits.isEmpty();
		}

		/** Whether the method returns a Reactive Streams publisher and is checked without blocking. */
		public boolean isReactive() {
			return this.kind == Kind.PUBLISHER;
		}

		public Kind kind() {
			return this.kind;
		}

		/** Whether any limit waits for its permits. */
		public boolean waits() {
			return this.waits;
		}

		/** Whether any limit counts only some outcomes, so permits may be given back after the call. */
		public boolean countsOutcomes() {
			return this.counts;
		}

		public int size() {
			return this.limits.size();
		}

		/** Which outcomes the {@code index}-th limit (the order of the requests) counts. */
		public RateLimited.Count count(int index) {
			return this.limits.get(index).count();
		}

		/** The requests of one invocation: the key and tier expressions evaluated against its arguments. */
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
			String tier = null;
			if (limit.tierExpression() != null) {
				tier = evaluator.evaluateNullable(ANNOTATION, limit.tierExpression(), method, arguments, target,
						targetClass);
				if (tier == null && limit.nullTierLogged().compareAndSet(false, true)) {
					logger.info("@RateLimited on " + limit.methodKey() + ": tier '" + limit.tierExpression()
							+ "' gave null; such calls use the own settings of policy '" + limit.policy()
							+ "' (logged once)");
				}
			}
			return new RateLimitRequest(limit.policy(), key, limit.permits(), tier, limit.maxWait());
		}

	}

	KeyExpressionEvaluator evaluator() {
		return this.evaluator;
	}

}
