package dev.redispatterns.cache.internal;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;

import dev.redispatterns.cache.CacheInvocationInterceptor;

/**
 * Applies {@link CacheInvocationInterceptor} to every method with a cache operation, as Spring's
 * {@link CacheOperationSource} sees them, ordered just before (outside) Spring's cache advisor. Methods with
 * only {@code @CachePut} or {@code @CacheEvict} get an invocation too, so that a put of theirs, called
 * from inside a {@code @Cacheable} method, is never taken for that method's fill.
 */
public final class CacheInvocationAdvisor extends AbstractPointcutAdvisor {

	private final CacheInvocationInterceptor interceptor;

	private final IntSupplier order;

	private final CacheablePointcut pointcut;

	/**
	 * @param operations Spring's cache operation source (resolved lazily)
	 * @param interceptor the advice
	 * @param order this advisor's order, normally the order of Spring's cache advisor minus one
	 */
	public CacheInvocationAdvisor(Supplier<@Nullable CacheOperationSource> operations,
			CacheInvocationInterceptor interceptor, IntSupplier order) {
		this.interceptor = interceptor;
		this.order = order;
		this.pointcut = new CacheablePointcut(operations);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	@Override
	public int getOrder() {
		return this.order.getAsInt();
	}

	private static final class CacheablePointcut extends StaticMethodMatcherPointcut {

		private final Supplier<@Nullable CacheOperationSource> operations;

		CacheablePointcut(Supplier<@Nullable CacheOperationSource> operations) {
			this.operations = operations;
			setClassFilter(new CandidateClassFilter());
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			CacheOperationSource source = this.operations.get();
			if (source == null) {
				return false;
			}
			Collection<CacheOperation> found = source.getCacheOperations(method, targetClass);
			return found != null && !found.isEmpty();
		}

		private final class CandidateClassFilter implements ClassFilter {

			@Override
			public boolean matches(Class<?> type) {
				if (CacheManager.class.isAssignableFrom(type)) {
					return false;
				}
				CacheOperationSource source = CacheablePointcut.this.operations.get();
				return source != null && source.isCandidateClass(type);
			}

		}

	}

}
