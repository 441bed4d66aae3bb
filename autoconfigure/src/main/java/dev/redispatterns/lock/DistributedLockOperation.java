package dev.redispatterns.lock;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.redispatterns.core.internal.KeyExpressionEvaluator;

/**
 * A {@link DistributedLock} method's settings, resolved and checked once at start-up, so a call pays only
 * for evaluating its key.
 */
final class DistributedLockOperation {

	/** How the method's result relates to the time the lock must be held. */
	enum Kind {

		/** Held until the method returns. */
		SYNC,

		/** Held until the returned {@code CompletionStage} completes. */
		COMPLETION_STAGE,

		/** Held from subscription until the returned {@code Mono} terminates or is cancelled. */
		MONO,

		/** Held from subscription until the returned {@code Flux} terminates or is cancelled. */
		FLUX

	}

	final Method method;

	private final String keyExpression;

	private final String fixedName;

	final LockRequest options;

	final boolean skipIfLocked;

	final @Nullable Duration holdAtLeast;

	final Kind kind;

	DistributedLockOperation(Method method, String keyExpression, String fixedName, LockRequest options,
			boolean skipIfLocked, @Nullable Duration holdAtLeast, Kind kind) {
		this.method = method;
		this.keyExpression = keyExpression;
		this.fixedName = fixedName;
		this.options = options;
		this.skipIfLocked = skipIfLocked;
		this.holdAtLeast = holdAtLeast;
		this.kind = kind;
	}

	/**
	 * The lock's name for one call: the method's fixed name, or the evaluated key inside the lock's namespace
	 * ({@code namespace:key}), so that a key chosen by a caller can never be another lock's name.
	 */
	String lockName(KeyExpressionEvaluator evaluator, @Nullable Object[] args, @Nullable Object target,
			Class<?> targetClass) {
		if (this.keyExpression.isEmpty()) {
			return this.fixedName;
		}
		return this.fixedName + ":"
				+ evaluator.evaluate("DistributedLock", this.keyExpression, this.method, args, target, targetClass);
	}

	/** What a skipped call returns. */
	@Nullable Object skippedResult() {
		Class<?> type = this.method.getReturnType();
		if (this.kind == Kind.COMPLETION_STAGE) {
			return CompletableFuture.completedFuture(null);
		}
		if (type == Optional.class) {
			return Optional.empty();
		}
		return null;
	}

}
