package dev.redispatterns.ratelimit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Limits how often a method runs. Over the limit the method is not run and
 * {@link RateLimitExceededException} is thrown (HTTP 429 in Spring MVC and WebFlux).
 * <p>
 * {@code value} names a policy of {@code redis.patterns.rate-limit.policies}; {@code key} is a SpEL
 * expression over the arguments choosing the bucket (empty: one bucket for the method). For quick use a
 * policy can be declared inline with {@link #limit()} and {@link #window()}.
 * <p>
 * Repeat the annotation to check several limits together, for example per user and global: they are
 * taken in order, all or nothing; a call refused by one gives back what the others granted. On a class it
 * applies to every method that has no {@code @RateLimited} of its own. Unknown policies, invalid inline
 * settings and invalid key expressions fail the application at start-up.
 * <p>
 * {@link #waitTime()} makes a call over the limit wait for its permits instead of failing at once (outbound
 * throttling of a partner's API); {@link #tier()} picks the policy's settings per call (plans of an API
 * product); {@link #count()} counts only failed or only successful calls (sign-in attempts).
 */
@Reflective
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Repeatable(RateLimited.List.class)
public @interface RateLimited {

	/**
	 * Name of the policy. With {@link #limit()} set, the name of the inline policy (empty:
	 * {@code SimpleClassName.methodName}).
	 */
	String value() default "";

	/** SpEL over the method arguments choosing the bucket, e.g. {@code "#userId"}; empty: one bucket for the method. */
	String key() default "";

	/** Permits one call costs. */
	long permits() default 1;

	/** Inline policy: permits per {@link #window()} (token bucket: capacity). 0 means a configured policy. */
	long limit() default 0;

	/** Inline policy: the window as a duration such as {@code "1m"} or {@code "PT10S"}. */
	String window() default "";

	/** Inline policy: the algorithm. */
	RateLimitAlgorithm algorithm() default RateLimitAlgorithm.SLIDING_WINDOW;

	/**
	 * Longest time a call waits for its permits, as a duration such as {@code "2s"} (named like
	 * {@code @DistributedLock(waitTime)}: an annotation cannot have a {@code wait} member, which would clash
	 * with {@code Object.wait()}); empty: a call over the limit fails at once. A call whose permits cannot be
	 * had within the wait, or never, fails at once too. Methods returning {@code Mono}, {@code Flux} or
	 * {@code CompletableFuture} wait without blocking a thread; others wait on the calling thread.
	 */
	String waitTime() default "";

	/**
	 * SpEL over the arguments naming the tier of the policy whose settings apply to the call, e.g.
	 * {@code "#user.plan"} with tiers under {@code redis.patterns.rate-limit.policies.<name>.tiers.<tier>};
	 * empty: the policy's own settings. An unknown or {@code null} tier uses the policy's own settings too.
	 */
	String tier() default "";

	/** Which calls take permits; {@link Count#ALL} by default. */
	Count count() default Count.ALL;

	/** Which outcomes of a call count against the limit. */
	enum Count {

		/** Every call takes its permits. */
		ALL,

		/**
		 * Only calls that throw (or whose publisher or future fails) keep their permits: against guessing
		 * passwords, where failed attempts matter. The permits are taken before the call and given back when
		 * it succeeds, so concurrent calls can never run more failures than the limit, and a call is refused
		 * once the failures (and the calls in progress) use up the limit.
		 */
		FAILURES,

		/** Only calls that return normally keep their permits; taken before the call, given back on failure. */
		SUCCESSES

	}

	/** Holds repeated {@link RateLimited} annotations. */
	@Target({ ElementType.METHOD, ElementType.TYPE })
	@Retention(RetentionPolicy.RUNTIME)
	@Inherited
	@Documented
	@interface List {

		RateLimited[] value();

	}

}
