package dev.redispatterns.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;
import org.springframework.core.annotation.AliasFor;

import dev.redispatterns.messaging.internal.ListenerReflectiveProcessor;

/**
 * Consumes jobs of a reliable list queue, at least once. The method's parameter receives the job's
 * payload decoded from JSON into its type ({@code byte[]} receives the raw bytes); an optional
 * {@link Delivery} parameter tells the job id and attempt. Returning removes the job; throwing schedules
 * it again after the retry delay, until the configured maximum of attempts moves it to the dead-letter
 * stream. Jobs of an instance that dies are recovered by the others.
 * <pre class="code">
 * &#64;QueueListener("mails")
 * void send(MailJob job) { ... }
 * </pre>
 * Settings come from {@code redis.patterns.messaging.queue.*} and
 * {@code redis.patterns.messaging.queues.<queue>.*}.
 */
@Reflective(ListenerReflectiveProcessor.class)
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface QueueListener {

	/** Alias for {@link #queue()}. */
	@AliasFor("queue")
	String value() default "";

	/** Queue name; {@code ${...}} placeholders are resolved. */
	@AliasFor("value")
	String queue() default "";

	/** Handler threads of this consumer; 0 (the default) takes the configured concurrency. */
	int concurrency() default 0;

}
