package dev.redispatterns.cache;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * Wraps each {@code @Cacheable} invocation, just outside Spring's cache interceptor, in a
 * {@link CacheInvocation}, so a plain {@code @Cacheable} gets single-flight loading: a lease taken on a
 * miss is released as soon as the method fails or returns without its value being stored. For a method
 * returning a {@code CompletableFuture}, the invocation ends when the future does.
 * <p>
 * When some cache refreshes ahead, it also keeps a clone of the invocation, taken before it proceeds,
 * that a background refresh can run again through Spring's cache interceptor and any advice after it.
 */
public final class CacheInvocationInterceptor implements MethodInterceptor {

	private final BooleanSupplier replayNeeded;

	/**
	 * @param replayNeeded whether invocations must be kept for background refreshes; asked on every
	 * invocation, so it should be cheap
	 */
	public CacheInvocationInterceptor(BooleanSupplier replayNeeded) {
		this.replayNeeded = replayNeeded;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		CacheInvocation.Replay replay = null;
		if (invocation instanceof ProxyMethodInvocation proxied && this.replayNeeded.getAsBoolean()) {
			MethodInvocation clone = proxied.invocableClone();
			replay = clone::proceed;
		}
		boolean async = CompletableFuture.class.isAssignableFrom(invocation.getMethod().getReturnType());
		CacheInvocation cached = CacheInvocation.open(replay, async);
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			cached.close(true);
			throw ex;
		}
		if (async && result instanceof CompletableFuture<?> future) {
			cached.detach();
			return future.whenComplete((value, failure) -> cached.complete(failure != null));
		}
		cached.close(false);
		return result;
	}

}
