/**
 * Auto-configuration of the Redis cache manager: {@code redis.patterns.cache.*} resolved into per-cache
 * policies, the advice that gives a plain {@code @Cacheable} single-flight loading, and cache metrics.
 */
@NullMarked
package dev.redispatterns.autoconfigure.cache;

import org.jspecify.annotations.NullMarked;
