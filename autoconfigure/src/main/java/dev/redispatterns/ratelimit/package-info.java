/**
 * Rate limiting on Redis: {@code @RateLimited}, the programmatic {@link dev.redispatterns.ratelimit.RateLimiter}
 * and five algorithms, each one Lua script and one {@code EVALSHA} per decision, with time taken from Redis so
 * that every application instance agrees whatever its own clock says. The engine is plain Java, constructible
 * without Spring.
 */
@NullMarked
package dev.redispatterns.ratelimit;

import org.jspecify.annotations.NullMarked;
