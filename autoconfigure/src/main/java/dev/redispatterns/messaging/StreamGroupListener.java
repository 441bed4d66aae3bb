package dev.redispatterns.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

import dev.redispatterns.messaging.internal.ListenerReflectiveProcessor;

/**
 * Consumes a Redis stream as a member of a consumer group: each entry is handled by one consumer of the
 * group, at least once. The method's parameter receives the entry's payload decoded from JSON into its
 * type ({@code byte[]} receives the raw bytes); an optional {@link Delivery} parameter tells the entry id
 * and delivery count. Returning acknowledges the entry; throwing leaves it pending to be delivered again,
 * until the configured maximum of deliveries moves it to the dead-letter stream.
 * <pre class="code">
 * &#64;StreamGroupListener(stream = "orders", group = "billing", concurrency = 4)
 * void bill(OrderPlaced order, Delivery delivery) { ... }
 * </pre>
 * Settings (batch size, reclaim time, maximum deliveries, trimming) come from
 * {@code redis.patterns.messaging.stream.*} and {@code redis.patterns.messaging.streams.<stream>.*}.
 * <p>
 * Not called {@code StreamListener}: that is the name of Spring Data Redis's listener interface for its
 * {@code StreamMessageListenerContainer} (and of a retired Spring Cloud Stream annotation).
 */
@Reflective(ListenerReflectiveProcessor.class)
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface StreamGroupListener {

	/** Stream name; {@code ${...}} placeholders are resolved. */
	String stream();

	/** Consumer group; created on start-up when missing. {@code ${...}} placeholders are resolved. */
	String group();

	/** Handler threads of this consumer; 0 (the default) takes the configured concurrency. */
	int concurrency() default 0;

}
