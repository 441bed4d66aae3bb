/**
 * The pattern engine's shared core: key naming, Lua script execution, SpEL key evaluation, the JSON
 * value codec and direct Lettuce access. Every feature builds on these instead of talking to Redis its
 * own way.
 */
@NullMarked
package dev.redispatterns.core;

import org.jspecify.annotations.NullMarked;
