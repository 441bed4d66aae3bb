/**
 * The catalogue: products read through the starter's cache (single flight and refresh-ahead), changed
 * through {@code @CachePut}/{@code @CacheEvict}, with page views counted in Redis and written behind to
 * the database.
 */
@NullMarked
package dev.redispatterns.sample.catalog;

import org.jspecify.annotations.NullMarked;
