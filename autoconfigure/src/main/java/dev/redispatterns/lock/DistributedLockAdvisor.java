package dev.redispatterns.lock;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.StringValueResolver;

import dev.redispatterns.core.internal.KeyExpressionEvaluator;

/**
 * Applies {@link DistributedLock}: a plain Spring AOP advisor, no AspectJ weaving. Its pointcut checks
 * every annotated method when proxies are created, so mistakes fail the start-up.
 * <p>
 * It is ordered just before the lowest precedence, so the lock is held around a transaction
 * ({@code @Transactional}) and released only after the commit.
 */
public final class DistributedLockAdvisor extends AbstractPointcutAdvisor {

	/** Default order: outside {@code @Transactional} and the cache advice, which use the lowest precedence. */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final DistributedLockInterceptor interceptor;

	private final Pointcut pointcut;

	/**
	 * @param locks the lock manager, looked up at the first call so the advisor can be created early
	 * @param evaluator the shared key expression evaluator
	 * @param policies defaults for what the annotations leave empty
	 * @param placeholders resolves {@code ${...}} in duration attributes, or {@code null}
	 */
	public DistributedLockAdvisor(Supplier<LockManager> locks, KeyExpressionEvaluator evaluator,
			LockPolicies policies, @Nullable StringValueResolver placeholders) {
		this(locks, () -> evaluator, () -> policies, placeholders);
	}

	/**
	 * Variant whose collaborators are all looked up when first needed, so that creating the advisor (which
	 * happens while bean post-processors are still being registered) does not create other beans early.
	 * @param locks the lock manager
	 * @param evaluator the shared key expression evaluator
	 * @param policies defaults for what the annotations leave empty
	 * @param placeholders resolves {@code ${...}} in duration attributes, or {@code null}
	 */
	public DistributedLockAdvisor(Supplier<LockManager> locks, Supplier<KeyExpressionEvaluator> evaluator,
			Supplier<LockPolicies> policies, @Nullable StringValueResolver placeholders) {
		DistributedLockOperationSource operations = new DistributedLockOperationSource(evaluator, policies,
				placeholders);
		this.interceptor = new DistributedLockInterceptor(operations, locks, evaluator);
		this.pointcut = new AnnotatedMethods(operations);
		setOrder(DEFAULT_ORDER);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	private static final class AnnotatedMethods extends StaticMethodMatcherPointcut {

		private final DistributedLockOperationSource operations;

		AnnotatedMethods(DistributedLockOperationSource operations) {
			this.operations = operations;
			setClassFilter(new CandidateClasses());
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return this.operations.operation(method, targetClass) != null;
		}

	}

	private static final class CandidateClasses implements ClassFilter {

		@Override
		public boolean matches(Class<?> type) {
			return AnnotationUtils.isCandidateClass(type, DistributedLock.class);
		}

	}

}
