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
 * Subscribes a bean method to pub/sub channels or patterns. The method's first parameter receives the
 * message decoded from JSON into its type ({@code byte[]} receives the raw bytes); an optional second
 * {@code String} parameter receives the channel the message was published on.
 * <pre class="code">
 * &#64;PubSubListener("prices")
 * void onPrice(PriceChanged event) { ... }
 * </pre>
 * Subscriptions use Spring Boot's {@code redisMessageListenerContainer} (a dedicated subscriber
 * connection that subscribes again after a reconnect); on Redis Cluster, channels use sharded pub/sub
 * ({@code SSUBSCRIBE}) unless {@code redis.patterns.messaging.pub-sub.sharded=false}.
 * <p>
 * Pub/sub is fire-and-forget: messages published while this application is not subscribed (starting,
 * reconnecting, stopped) are lost. Use {@link StreamGroupListener} for messages that must not be lost.
 * <p>
 * Named {@code PubSubListener} so it is not confused with Spring Data Redis's
 * {@code org.springframework.data.redis.annotation.RedisListener}, which maps raw messages through Spring
 * Messaging converters; this one decodes with the starter's JSON codec and type allow-list, reports
 * metrics and supports sharded pub/sub. Both can be used side by side.
 */
@Reflective(ListenerReflectiveProcessor.class)
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PubSubListener {

	/** Alias for {@link #channels()}. */
	@AliasFor("channels")
	String[] value() default {};

	/** Channels to subscribe to; {@code ${...}} placeholders are resolved. */
	@AliasFor("value")
	String[] channels() default {};

	/**
	 * Glob-style patterns to subscribe to ({@code PSUBSCRIBE}), for example {@code "prices.*"}. Patterns
	 * cannot be sharded: on Redis Cluster they need {@code redis.patterns.messaging.pub-sub.sharded=false}.
	 */
	String[] patterns() default {};

}
