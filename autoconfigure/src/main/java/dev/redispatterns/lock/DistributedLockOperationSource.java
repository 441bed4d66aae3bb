package dev.redispatterns.lock;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringValueResolver;
import org.springframework.util.function.SingletonSupplier;

import dev.redispatterns.core.RedisPatternsConfigurationException;
import dev.redispatterns.core.internal.KeyExpressionEvaluator;
import dev.redispatterns.core.internal.RedisKeys;
import dev.redispatterns.lock.DistributedLockOperation.Kind;

/**
 * Finds {@link DistributedLock} on methods and turns it into a checked {@link DistributedLockOperation}.
 * The advisor's pointcut asks it while proxies are created, so a bad key expression, duration or return
 * type fails the application's start-up, naming the method.
 */
final class DistributedLockOperationSource {

	private static final String ANNOTATION = "DistributedLock";

	static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			DistributedLockOperationSource.class.getClassLoader());

	private final SingletonSupplier<KeyExpressionEvaluator> evaluator;

	private final SingletonSupplier<LockPolicies> policies;

	private final @Nullable StringValueResolver placeholders;

	private final Map<MethodClassKey, DistributedLockOperation> operations = new ConcurrentHashMap<>();

	DistributedLockOperationSource(Supplier<KeyExpressionEvaluator> evaluator, Supplier<LockPolicies> policies,
			@Nullable StringValueResolver placeholders) {
		this.evaluator = SingletonSupplier.of(evaluator);
		this.policies = SingletonSupplier.of(policies);
		this.placeholders = placeholders;
	}

	/** The operation of a guarded method, or {@code null} when the method is not annotated. */
	@Nullable DistributedLockOperation operation(Method method, @Nullable Class<?> targetClass) {
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		DistributedLockOperation cached = this.operations.get(cacheKey);
		if (cached != null) {
			return cached;
		}
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		DistributedLock annotation = AnnotatedElementUtils.findMergedAnnotation(specific, DistributedLock.class);
		if (annotation == null && specific != method) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method, DistributedLock.class);
		}
		if (annotation == null) {
			return null;
		}
		DistributedLockOperation operation = parse(specific, (targetClass != null) ? targetClass : method.getDeclaringClass(),
				annotation);
		this.operations.putIfAbsent(cacheKey, operation);
		return operation;
	}

	private DistributedLockOperation parse(Method method, Class<?> targetClass, DistributedLock annotation) {
		String key = annotation.key().trim();
		if (!key.isEmpty()) {
			this.evaluator.obtain().validate(ANNOTATION, key, method);
		}
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		String fixedName = userClass.getName() + "." + method.getName();
		if (!key.isEmpty()) {
			// the namespace of evaluated keys: the explicit name (escaped, so it ends at the first ':'), else
			// the method, which no other lock shares
			fixedName = !annotation.name().isBlank() ? RedisKeys.escape(annotation.name().trim()).replace(":", "%3A")
					: fixedName;
		}
		String name = !annotation.name().isBlank() ? annotation.name().trim()
				: !key.isEmpty() ? key : userClass.getSimpleName() + "." + method.getName();
		Kind kind = kind(method);
		boolean skip = annotation.skipIfLocked();
		if (skip && method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
			throw invalid(method, "skipIfLocked needs a method returning void or an object, not "
					+ method.getReturnType().getName() + ": a skipped call has nothing to return",
					"Return void or an object type (e.g. Integer instead of int), or remove skipIfLocked.");
		}
		LockPolicy policy = this.policies.obtain().policy(name);
		Duration waitTime = duration(method, "waitTime", annotation.waitTime());
		if (waitTime == null) {
			waitTime = skip ? Duration.ZERO : policy.waitTime();
		}
		if (waitTime.isNegative()) {
			throw invalid(method, "waitTime must not be negative, was '" + annotation.waitTime() + "'",
					"Set waitTime to zero or more, or leave it empty for the default (redis.patterns.lock.default-wait-time).");
		}
		Duration leaseTime = duration(method, "leaseTime", annotation.leaseTime());
		if (leaseTime == null) {
			leaseTime = policy.leaseTime();
		}
		if (leaseTime != null && leaseTime.toMillis() < 1) {
			throw invalid(method, "leaseTime must be at least 1ms, was '" + annotation.leaseTime() + "'",
					"Set leaseTime to 1ms or more, or leave it empty for the default (redis.patterns.lock.default-lease-time; "
							+ "without one a watchdog renews the lease while the method runs).");
		}
		Duration holdAtLeast = duration(method, "holdAtLeast", annotation.holdAtLeast());
		if (holdAtLeast != null && (holdAtLeast.isNegative() || holdAtLeast.isZero())) {
			holdAtLeast = null;
		}
		return new DistributedLockOperation(method, key, fixedName,
				new LockRequest(waitTime, leaseTime, name, policy.fairness()), skip, holdAtLeast, kind);
	}

	private static Kind kind(Method method) {
		Class<?> type = method.getReturnType();
		if (CompletionStage.class.isAssignableFrom(type)) {
			return Kind.COMPLETION_STAGE;
		}
		if (REACTOR_PRESENT && ReactorTypes.isMono(type)) {
			return Kind.MONO;
		}
		if (REACTOR_PRESENT && ReactorTypes.isFlux(type)) {
			return Kind.FLUX;
		}
		if (KotlinDetector.isSuspendingFunction(method)) {
			throw invalid(method, "suspending functions are not supported",
					"Return a Mono instead, or take the lock through LockManager.");
		}
		if (Future.class.isAssignableFrom(type)) {
			throw invalid(method, "returns a " + type.getSimpleName()
					+ " that is not a CompletionStage: the lock would be released before the work is done",
					"Return a CompletableFuture (or another CompletionStage) instead.");
		}
		if (ReactiveAdapterRegistry.getSharedInstance().getAdapter(type) != null) {
			throw invalid(method, "returns " + type.getName()
					+ ", which is not supported", "Return a Mono, a Flux or a CompletableFuture.");
		}
		return Kind.SYNC;
	}

	private @Nullable Duration duration(Method method, String attribute, String text) {
		String value = text.trim();
		if (!value.isEmpty() && this.placeholders != null) {
			String resolved;
			try {
				resolved = this.placeholders.resolveStringValue(value);
			}
			catch (IllegalArgumentException ex) {
				throw unresolved(method, attribute, text, ex);
			}
			value = (resolved != null) ? resolved.trim() : "";
		}
		if (value.isEmpty()) {
			return null;
		}
		try {
			return DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			if (value.contains("${")) {
				// a lenient resolver leaves unknown placeholders in place
				throw unresolved(method, attribute, text, ex);
			}
			throw invalid(method, attribute + " '" + text + "' is not a duration",
					"Set " + attribute + " to a duration such as '5s', '250ms' or 'PT1M', or leave it empty for the default.");
		}
	}

	private static RedisPatternsConfigurationException unresolved(Method method, String attribute, String text,
			Throwable cause) {
		return invalid(method, attribute + " '" + text + "' has a placeholder that cannot be resolved",
				"Define the property it names, or give the placeholder a default, e.g. ${name:5s}.", cause);
	}

	private static RedisPatternsConfigurationException invalid(Method method, String description, String action) {
		return new RedisPatternsConfigurationException(
				"@" + ANNOTATION + " on " + ClassUtils.getQualifiedMethodName(method) + ": " + description, action);
	}

	private static RedisPatternsConfigurationException invalid(Method method, String description, String action,
			Throwable cause) {
		return new RedisPatternsConfigurationException(
				"@" + ANNOTATION + " on " + ClassUtils.getQualifiedMethodName(method) + ": " + description, action, cause);
	}

	/** Reactor types, referenced only when Reactor is on the class path. */
	static final class ReactorTypes {

		static boolean isMono(Class<?> type) {
			return reactor.core.publisher.Mono.class.isAssignableFrom(type);
		}

		static boolean isFlux(Class<?> type) {
			return reactor.core.publisher.Flux.class.isAssignableFrom(type);
		}

	}

}
