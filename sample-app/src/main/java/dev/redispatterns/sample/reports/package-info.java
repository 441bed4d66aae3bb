/**
 * Nightly work that must run once per tick across all instances: a scheduled job guarded by a
 * distributed lock that skips instead of waiting.
 */
@NullMarked
package dev.redispatterns.sample.reports;

import org.jspecify.annotations.NullMarked;
