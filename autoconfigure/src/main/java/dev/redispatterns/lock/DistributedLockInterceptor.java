package dev.redispatterns.lock;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.function.SingletonSupplier;

import dev.redispatterns.core.internal.KeyExpressionEvaluator;
import dev.redispatterns.lock.DistributedLockOperation.Kind;

/**
 * The advice behind {@link DistributedLock}: evaluates the key, acquires through the {@link LockManager},
 * runs the method and always releases, also when it throws. Re-entering a lock the call chain already
 * holds runs the method without acquiring again; only the outermost call releases. A failed release is
 * logged and counted by the engine, never thrown over the method's own result.
 */
final class DistributedLockInterceptor implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(DistributedLockInterceptor.class);

	private final DistributedLockOperationSource operations;

	private final SingletonSupplier<LockManager> locks;

	private final SingletonSupplier<KeyExpressionEvaluator> evaluator;

	DistributedLockInterceptor(DistributedLockOperationSource operations, Supplier<LockManager> locks,
			Supplier<KeyExpressionEvaluator> evaluator) {
		this.operations = operations;
		this.locks = SingletonSupplier.of(locks);
		this.evaluator = SingletonSupplier.of(evaluator);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
		DistributedLockOperation operation = this.operations.operation(method, targetClass);
		if (operation == null) {
			return invocation.proceed();
		}
		String name = operation.lockName(this.evaluator.obtain(), invocation.getArguments(), target, targetClass);
		LockHandle reentered = LockContext.held(name, LockType.EXCLUSIVE);
		if (reentered != null) {
			return proceedHolding(invocation, reentered);
		}
		return switch (operation.kind) {
			case SYNC -> invokeHolding(invocation, operation, name);
			case COMPLETION_STAGE -> invokeUntilComplete(invocation, operation, name);
			case MONO, FLUX -> ReactiveLocking.invoke(this, invocation, operation, name);
		};
	}

	private @Nullable Object invokeHolding(MethodInvocation invocation, DistributedLockOperation operation, String name)
			throws Throwable {
		LockHandle handle = acquire(operation, name);
		if (handle == null) {
			return operation.skippedResult();
		}
		try {
			return proceedHolding(invocation, handle);
		}
		finally {
			release(operation, handle);
		}
	}

	private @Nullable Object invokeUntilComplete(MethodInvocation invocation, DistributedLockOperation operation,
			String name) throws Throwable {
		LockHandle handle = acquire(operation, name);
		if (handle == null) {
			return operation.skippedResult();
		}
		Object result;
		try {
			result = proceedHolding(invocation, handle);
		}
		catch (Throwable ex) {
			release(operation, handle);
			throw ex;
		}
		if (result == null) {
			release(operation, handle);
			return null;
		}
		((CompletionStage<?>) result).whenComplete((value, failure) -> releaseAsync(operation, handle));
		return result;
	}

	private static @Nullable Object proceedHolding(MethodInvocation invocation, LockHandle handle) throws Throwable {
		LockContext.push(handle);
		// a re-entrant call restores the outer call's thread, which still runs under the lock
		Thread outer = bind(handle, Thread.currentThread());
		try {
			return invocation.proceed();
		}
		finally {
			bind(handle, outer);
			LockContext.pop();
		}
	}

	/** The held lock, or {@code null} when the call is skipped; throws when it is not. */
	@Nullable LockHandle acquire(DistributedLockOperation operation, String name) {
		if (!operation.skipIfLocked) {
			return this.locks.obtain().lock(name, operation.options);
		}
		LockHandle handle = this.locks.obtain().tryLock(name, operation.options).orElse(null);
		if (handle == null && logger.isDebugEnabled()) {
			logger.debug("Skipped " + operation.method.getName() + ": lock '" + name + "' is held elsewhere");
		}
		return handle;
	}

	static void release(DistributedLockOperation operation, LockHandle handle) {
		if (operation.holdAtLeast != null) {
			handle.unlock(operation.holdAtLeast);
		}
		else {
			handle.unlock();
		}
	}

	/** Releases without blocking the thread that completed the result (it may be an event loop). */
	static CompletableFuture<Boolean> releaseAsync(DistributedLockOperation operation, LockHandle handle) {
		if (operation.holdAtLeast != null) {
			Duration holdAtLeast = operation.holdAtLeast;
			return CompletableFuture.supplyAsync(() -> handle.unlock(holdAtLeast));
		}
		return handle.unlockAsync();
	}

	private static @Nullable Thread bind(LockHandle handle, @Nullable Thread thread) {
		return (handle instanceof RedisLockHandle redis) ? redis.bind(thread) : null;
	}

	/** Reactor support, loaded only for methods returning {@code Mono} or {@code Flux}. */
	static final class ReactiveLocking {

		static Object invoke(DistributedLockInterceptor interceptor, MethodInvocation invocation,
				DistributedLockOperation operation, String name) {
			reactor.core.publisher.Mono<LockHandle> acquire = reactor.core.publisher.Mono
				.fromCallable(() -> interceptor.acquire(operation, name))
				.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
			java.util.function.Function<LockHandle, Publisher<?>> body = (handle) -> {
				try {
					Object result = proceedHolding(copy(invocation), handle);
					return (result != null) ? (Publisher<?>) result : reactor.core.publisher.Mono.empty();
				}
				catch (Throwable ex) {
					return reactor.core.publisher.Mono.error(ex);
				}
			};
			java.util.function.Function<LockHandle, Publisher<?>> release = (handle) -> reactor.core.publisher.Mono
				.fromFuture(() -> releaseAsync(operation, handle));
			if (operation.kind == Kind.MONO) {
				return reactor.core.publisher.Mono.usingWhen(acquire,
						(handle) -> reactor.core.publisher.Mono.from(body.apply(handle)), release,
						(handle, failure) -> release.apply(handle), release);
			}
			return reactor.core.publisher.Flux.usingWhen(acquire, body, release,
					(handle, failure) -> release.apply(handle), release);
		}

		/** Every subscription runs the rest of the interceptor chain afresh. */
		private static MethodInvocation copy(MethodInvocation invocation) {
			return (invocation instanceof ProxyMethodInvocation proxied) ? proxied.invocableClone() : invocation;
		}

	}

}
