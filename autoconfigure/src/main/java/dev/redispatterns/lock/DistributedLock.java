package dev.redispatterns.lock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Runs the annotated method only while holding a distributed lock, and releases it when the method
 * returns or throws. When the lock cannot be had within the wait time the method does not run and
 * {@link LockNotAcquiredException} is thrown (or, with {@link #skipIfLocked()}, the call is skipped
 * quietly). Redis being unreachable counts as not acquired: locks fail closed.
 *
 * <pre class="code">
 * &#64;DistributedLock(name = "order", key = "#orderId", waitTime = "5s")   // the lock "order:42"
 * public void checkout(long orderId) {
 *     long fence = LockContext.current().fencingToken();
 *     ...
 * }
 *
 * &#64;Scheduled(cron = "0 0 * * * *")
 * &#64;DistributedLock(skipIfLocked = true, holdAtLeast = "30s")
 * public void hourlyReport() { ... }   // one instance per tick, the others skip
 * </pre>
 *
 * Calling another method guarded by the same lock from within the method (directly through the proxy,
 * in the same thread) re-enters the held lock instead of waiting for itself; it is released at the
 * outermost exit. Methods returning {@code CompletableFuture}/{@code CompletionStage}, or Reactor's
 * {@code Mono}/{@code Flux}, hold the lock until the result completes. Other asynchronous return types are
 * refused at start-up.
 */
@Reflective
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DistributedLock {

	/**
	 * SpEL expression for the lock's key, over the method's arguments (for example {@code "#orderId"}). The
	 * lock is the key inside a namespace: {@link #name()} if set, else the method
	 * ({@code com.acme.Orders.checkout:42}), so a key chosen by a caller can never be another lock's name;
	 * methods that share a lock share a {@code name}. Empty means one lock for the method, named after its
	 * class and method.
	 */
	String key() default "";

	/**
	 * Name of this lock in metrics and in {@code redis.patterns.lock.locks.<name>.*}, and the namespace of
	 * its evaluated keys ({@code name:key}); bounded, never an evaluated key. Empty means the key expression's
	 * text (or the method's name when there is no key) in metrics and settings, and the method as namespace.
	 */
	String name() default "";

	/**
	 * Longest time to wait for the lock, as a duration such as {@code "5s"}, {@code "250ms"} or
	 * {@code "PT1M"}; placeholders such as {@code "${jobs.lock-wait:0s}"} are resolved. Empty means the
	 * configured default ({@code redis.patterns.lock.default-wait-time}), or zero with
	 * {@link #skipIfLocked()}.
	 */
	String waitTime() default "";

	/**
	 * Lease of the lock, after which it frees itself even if the holder never releases it. Empty means the
	 * configured default ({@code redis.patterns.lock.default-lease-time}); when that is unset too, a
	 * watchdog keeps a short lease alive for as long as the method runs.
	 */
	String leaseTime() default "";

	/**
	 * Whether a call that cannot get the lock is skipped quietly instead of failing: the method does not
	 * run and returns {@code null} ({@code Optional.empty()}, an empty {@code Mono}/{@code Flux}, a
	 * completed future). Meant for {@code @Scheduled} jobs that must run on one instance per tick. Only for
	 * methods returning {@code void}, an object type, {@code Optional}, a future or a Reactor type.
	 */
	boolean skipIfLocked() default false;

	/**
	 * Minimum time the lock stays taken after the method started, even when it finished sooner (the lease
	 * then runs out instead of being released). Keeps instances whose clocks or schedulers lag slightly
	 * from running a scheduled job again for the same tick. Empty means none.
	 */
	String holdAtLeast() default "";

}
