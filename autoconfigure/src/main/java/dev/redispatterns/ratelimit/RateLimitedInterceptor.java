package dev.redispatterns.ratelimit;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * The advice of {@link RateLimited}: evaluates the keys, asks the {@link RateLimiter}, and either runs the
 * method or throws. Methods returning a Reactive Streams publisher are checked on subscription without
 * blocking.
 */
public final class RateLimitedInterceptor implements MethodInterceptor {

	private final Supplier<RateLimitedMethods> methods;

	private final Supplier<RateLimiter> limiter;

	private final Supplier<RateLimitDecisionRecorder> recorder;

	public RateLimitedInterceptor(RateLimitedMethods methods, RateLimiter limiter, RateLimitDecisionRecorder recorder) {
		this(() -> methods, () -> limiter, () -> recorder);
	}

	/**
	 * Resolves its collaborators on first use, so that an advisor created early by the auto-proxy creator
	 * does not drag the Redis connection into the bean post-processing phase.
	 */
	public RateLimitedInterceptor(Supplier<RateLimitedMethods> methods, Supplier<RateLimiter> limiter,
			Supplier<RateLimitDecisionRecorder> recorder) {
		this.methods = SingletonSupplier.of(methods);
		this.limiter = SingletonSupplier.of(limiter);
		this.recorder = SingletonSupplier.of(recorder);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
		RateLimitedMethods methods = this.methods.get();
		RateLimitedMethods.Plan plan = methods.plan(method, targetClass);
		if (plan.isEmpty()) {
			return invocation.proceed();
		}
		List<RateLimitRequest> requests = plan.requests(methods.evaluator(), method, invocation.getArguments(), target,
				targetClass);
		RateLimiter limiter = this.limiter.get();
		if (plan.isReactive()) {
			return ReactiveRateLimiting.check(limiter, requests, invocation);
		}
		List<RateLimitDecision> decisions;
		if (requests.size() == 1) {
			RateLimitRequest request = requests.get(0);
			decisions = List.of(limiter.tryAcquire(request.policy(), request.key(), request.permits()));
		}
		else {
			decisions = limiter.tryAcquireAll(requests);
		}
		RateLimitDecision last = decisions.get(decisions.size() - 1);
		if (!last.isAllowed()) {
			throw RateLimiter.exceptionFor(last, decisions);
		}
		this.recorder.get().record(decisions);
		return invocation.proceed();
	}

}
