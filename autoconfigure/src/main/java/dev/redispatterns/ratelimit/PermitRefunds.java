package dev.redispatterns.ratelimit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.springframework.data.redis.connection.ReturnType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.RedisPatternsException;
import dev.redispatterns.core.internal.ScriptExecutor;

/** Gives permits of allowed decisions back, by running the decision's script with negative permits. */
final class PermitRefunds {

	/** Logged under the limiter's name, which applications configure. */
	private static final Log logger = LogFactory.getLog(RedisRateLimiter.class);

	private final ScriptExecutor executor;

	private final long timeoutNanos;

	/** The registered policy of a name, {@code null} if none. */
	private final Function<String, @Nullable CompiledPolicy> policies;

	PermitRefunds(ScriptExecutor executor, long timeoutNanos, Function<String, @Nullable CompiledPolicy> policies) {
		this.executor = executor;
		this.timeoutNanos = timeoutNanos;
		this.policies = policies;
	}

	void refund(RateLimitDecision decision) {
		byte[][] arguments = refundArguments(decision);
		if (arguments == null) {
			return;
		}
		forgetRejections(decision);
		try {
			this.executor.call(decision.policy().algorithm().script(), ReturnType.MULTI,
					new byte[][] { decision.key() }, arguments);
		}
		catch (RedisPatternsException ex) {
			logger.debug("Could not refund " + decision, ex);
		}
	}

	CompletableFuture<Void> refundAsync(RateLimitDecision decision) {
		byte[][] arguments = refundArguments(decision);
		if (arguments == null) {
			return CompletableFuture.completedFuture(null);
		}
		forgetRejections(decision);
		CompletableFuture<Object> refunded;
		try {
			refunded = this.executor.execute(decision.policy().algorithm().script(), ReturnType.MULTI,
					new byte[][] { decision.key() }, arguments);
		}
		catch (RuntimeException ex) {
			refunded = CompletableFuture.failedFuture(ex);
		}
		return refunded.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS).handle((result, failure) -> {
			if (failure != null) {
				logger.debug("Could not refund " + decision, failure);
			}
			return null;
		});
	}

	/** Gives back the first {@code count} decisions, newest first. */
	void refundAll(List<RateLimitDecision> decisions, int count) {
		for (int i = count - 1; i >= 0; i--) {
			refund(decisions.get(i));
		}
	}

	void refundAllAsync(List<RateLimitDecision> decisions, int count) {
		for (int i = count - 1; i >= 0; i--) {
			refundAsync(decisions.get(i));
		}
	}

	/** A permit given back may let a refused key in before its deadline: its policy's refusals are forgotten. */
	private void forgetRejections(RateLimitDecision decision) {
		CompiledPolicy base = this.policies.apply(decision.policy().name());
		if (base != null && base.rejections != null) {
			base.rejections.clear();
		}
	}

	private static byte @Nullable [][] refundArguments(RateLimitDecision decision) {
		if (decision.outcome() != RateLimitOutcome.ALLOWED || decision.key() == null) {
			return null;
		}
		byte[][] arguments = decision.policy().argumentsForOne().clone();
		arguments[0] = ScriptExecutor.arg(-decision.permits());
		Object token = decision.refundToken();
		if (token instanceof byte[] nonce) {
			arguments[3] = nonce;
		}
		else if (token instanceof Long index) {
			arguments[3] = ScriptExecutor.arg(index.longValue());
		}
		return arguments;
	}

}
