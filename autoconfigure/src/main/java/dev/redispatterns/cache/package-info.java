/**
 * Redis caching behind Spring's cache abstraction, built for many application instances sharing one
 * Redis: a cold key is loaded by one caller across all instances (a short lease in Redis, waiters woken
 * by pub/sub), entries carry their load time so hot keys are recomputed before they expire (XFetch),
 * an optional near cache is kept coherent by an invalidation channel, and a Redis outage degrades to
 * calling the method instead of failing. Everything here can be built without Spring, see
 * {@link dev.redispatterns.cache.RedisPatternsCacheManager#builder}.
 */
@NullMarked
package dev.redispatterns.cache;

import org.jspecify.annotations.NullMarked;
