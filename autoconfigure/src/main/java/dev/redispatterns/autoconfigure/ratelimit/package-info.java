/**
 * Auto-configuration of rate limiting: named policies from {@code redis.patterns.rate-limit.*}, checked at
 * start-up, the {@code @RateLimited} advice, metrics, and the Spring MVC / WebFlux integration.
 */
@NullMarked
package dev.redispatterns.autoconfigure.ratelimit;

import org.jspecify.annotations.NullMarked;
