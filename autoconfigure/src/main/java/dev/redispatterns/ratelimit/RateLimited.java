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

	/** Holds repeated {@link RateLimited} annotations. */
	@Target({ ElementType.METHOD, ElementType.TYPE })
	@Retention(RetentionPolicy.RUNTIME)
	@Inherited
	@Documented
	@interface List {

		RateLimited[] value();

	}

}
