package dev.redispatterns.autoconfigure.ratelimit;

import dev.redispatterns.ratelimit.RedisRateLimiter;

/**
 * Customizes the rate limiter before it is built, for example to add policies defined in code.
 * Customizers run in {@link org.springframework.core.annotation.Order}.
 */
@FunctionalInterface
public interface RedisRateLimiterBuilderCustomizer {

	void customize(RedisRateLimiter.Builder builder);

}
