/**
 * Infrastructure of dev.redispatterns.cache, public only so that the starter's own packages (its
 * auto-configuration among them) can reach it. Not API: it may change without notice in any release;
 * applications use the types of {@code dev.redispatterns.cache} instead.
 */
@NullMarked
package dev.redispatterns.cache.internal;

import org.jspecify.annotations.NullMarked;
