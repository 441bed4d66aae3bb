package dev.redispatterns.ratelimit;

import java.util.List;

import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The non-blocking path for methods returning a publisher: the decision is made when the result is
 * subscribed to, and the method runs only when it allows. Loaded only when Reactor is present.
 */
final class ReactiveRateLimiting {

	private ReactiveRateLimiting() {
	}

	static Object check(RateLimiter limiter, List<RateLimitRequest> requests, MethodInvocation invocation) {
		Mono<Void> check = Mono.deferContextual((context) -> Mono.fromFuture(() -> limiter.tryAcquireAllAsync(requests))
			// continue off the Redis I/O thread: the application's code must not run on it
			.publishOn(Schedulers.parallel())
			.flatMap((decisions) -> {
				RateLimitDecision last = decisions.get(decisions.size() - 1);
				if (!last.isAllowed()) {
					return Mono.error(RateLimiter.exceptionFor(last, decisions));
				}
				RateLimitDecisionRecorder recorder = context.getOrDefault(RateLimitDecisionRecorder.class,
						RateLimitDecisionRecorder.NONE);
				recorder.record(decisions);
				return Mono.empty();
			}));
		Class<?> returnType = invocation.getMethod().getReturnType();
		if (Mono.class.isAssignableFrom(returnType)) {
			return check.then(Mono.defer(() -> Mono.from(proceed(invocation))));
		}
		return check.thenMany(Flux.defer(() -> proceed(invocation)));
	}

	@SuppressWarnings("unchecked")
	private static Publisher<Object> proceed(MethodInvocation invocation) {
		try {
			Object result = invocation.proceed();
			return (result != null) ? (Publisher<Object>) result : Mono.empty();
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
	}

}
