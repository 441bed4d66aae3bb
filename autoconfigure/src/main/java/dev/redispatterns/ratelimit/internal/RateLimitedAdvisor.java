package dev.redispatterns.ratelimit.internal;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;

import dev.redispatterns.ratelimit.RateLimited;

/**
 * Applies {@link RateLimitedInterceptor} to methods and classes annotated with {@link RateLimited} (also
 * when repeated). Ordered early, so a refused call opens no transaction and fills no cache.
 */
public final class RateLimitedAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private final transient Pointcut pointcut;

	private final transient Advice advice;

	public RateLimitedAdvisor(RateLimitedInterceptor interceptor) {
		this.advice = interceptor;
		this.pointcut = new ComposablePointcut(AnnotationMatchingPointcut.forMethodAnnotation(RateLimited.class))
			.union(AnnotationMatchingPointcut.forMethodAnnotation(RateLimited.List.class))
			.union(new AnnotationMatchingPointcut(RateLimited.class, true))
			.union(new AnnotationMatchingPointcut(RateLimited.List.class, true));
		setOrder(Ordered.HIGHEST_PRECEDENCE + 1000);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

}
