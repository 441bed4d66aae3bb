package dev.redispatterns.ratelimit.internal;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.function.SingletonSupplier;

import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitRequest;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.ratelimit.RateLimiter;

/**
 * The advice of {@link RateLimited}: evaluates the keys and tiers, asks the {@link RateLimiter} (which may
 * wait for reserved permits), and either runs the method or throws; afterwards it gives back the permits
 * of limits that do not count the call's outcome. Methods returning a Reactive Streams publisher are
 * checked on subscription without blocking, methods returning a {@code CompletableFuture} that wait or
 * count outcomes are decided and settled without blocking too.
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
			return ReactiveRateLimiting.check(limiter, requests, plan, invocation);
		}
		if (plan.kind() == RateLimitedMethods.Plan.Kind.FUTURE && (plan.waits() || plan.countsOutcomes())) {
			return future(limiter, requests, plan, invocation);
		}
		List<RateLimitDecision> decisions = (requests.size() == 1) ? List.of(limiter.tryAcquire(requests.get(0)))
				: limiter.tryAcquireAll(requests);
		RateLimitDecision last = decisions.get(decisions.size() - 1);
		if (!last.isAllowed()) {
			throw RateLimiter.exceptionFor(last, decisions);
		}
		this.recorder.get().record(decisions);
		if (!plan.countsOutcomes()) {
			return invocation.proceed();
		}
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			CountedOutcomes.settle(limiter, plan, decisions, false);
			throw ex;
		}
		CountedOutcomes.settle(limiter, plan, decisions, true);
		return result;
	}

	/**
	 * Decides without blocking; the method runs (on the common pool) once the permits are due, and its
	 * future completes once the permits its outcome does not count are back.
	 */
	private static CompletableFuture<Object> future(RateLimiter limiter, List<RateLimitRequest> requests,
			RateLimitedMethods.Plan plan, MethodInvocation invocation) {
		CompletableFuture<List<RateLimitDecision>> decided = limiter.tryAcquireAllAsync(requests);
		CompletableFuture<Object> result = decided.thenComposeAsync((decisions) -> {
			RateLimitDecision last = decisions.get(decisions.size() - 1);
			if (!last.isAllowed()) {
				return CompletableFuture.failedFuture(RateLimiter.exceptionFor(last, decisions));
			}
			CompletionStage<?> stage;
			try {
				stage = (CompletionStage<?>) invocation.proceed();
			}
			catch (Throwable ex) {
				stage = CompletableFuture.failedFuture(ex);
			}
			if (stage == null) {
				stage = CompletableFuture.completedFuture(null);
			}
			return plan.countsOutcomes() ? CountedOutcomes.settleWhenDone(limiter, plan, decisions, stage)
					: stage.toCompletableFuture().thenApply((value) -> (Object) value);
		});
		// cancelled while waiting: the limiter gives the reserved permits back
		result.whenComplete((value, failure) -> {
			if (result.isCancelled()) {
				decided.cancel(false);
			}
		});
		return result;
	}

}
