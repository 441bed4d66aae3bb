package dev.redispatterns.ratelimit.internal;

import java.util.List;

import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.redispatterns.ratelimit.RateLimitDecision;
import dev.redispatterns.ratelimit.RateLimitRequest;
import dev.redispatterns.ratelimit.RateLimited;
import dev.redispatterns.ratelimit.RateLimiter;

/**
 * The non-blocking path for methods returning a publisher: the decision is made when the result is
 * subscribed to (a wait for reserved permits is a delayed completion, holding no thread), and the method
 * runs only when it allows. With {@link RateLimited#count()} the permits the outcome does not count are
 * given back before the subscriber sees the outcome. Loaded only when Reactor is present.
 */
public final class ReactiveRateLimiting {

	private ReactiveRateLimiting() {
	}

	static Object check(RateLimiter limiter, List<RateLimitRequest> requests, RateLimitedMethods.Plan plan,
			MethodInvocation invocation) {
		// cancelling while waiting cancels the future, which gives the reserved permits back
		Mono<List<RateLimitDecision>> check = Mono.deferContextual((context) -> Mono
			.fromFuture(() -> limiter.tryAcquireAllAsync(requests))
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
				return Mono.just(decisions);
			}));
		boolean mono = Mono.class.isAssignableFrom(invocation.getMethod().getReturnType());
		if (!plan.countsOutcomes()) {
			return mono ? check.then(Mono.defer(() -> Mono.from(proceed(invocation))))
					: check.thenMany(Flux.defer(() -> proceed(invocation)));
		}
		if (mono) {
			return Mono.usingWhen(check, (decisions) -> Mono.from(proceed(invocation)),
					(decisions) -> Mono.fromFuture(CountedOutcomes.settleAsync(limiter, plan, decisions, true)),
					(decisions, failure) -> Mono.fromFuture(CountedOutcomes.settleAsync(limiter, plan, decisions, false)),
					(decisions) -> Mono.fromFuture(CountedOutcomes.settleAsync(limiter, plan, decisions, null)));
		}
		return Flux.usingWhen(check, (decisions) -> proceed(invocation),
				(decisions) -> Mono.fromFuture(CountedOutcomes.settleAsync(limiter, plan, decisions, true)),
				(decisions, failure) -> Mono.fromFuture(CountedOutcomes.settleAsync(limiter, plan, decisions, false)),
				(decisions) -> Mono.fromFuture(CountedOutcomes.settleAsync(limiter, plan, decisions, null)));
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
