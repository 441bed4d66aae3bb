/**
 * Data-structure services on Redis: leaderboards on sorted sets, unique counters on HyperLogLogs, atomic
 * counters with expiry, and write-behind counters that batch increments into a source of truth. They are
 * plain classes (no Spring needed), one round trip per operation, and keep every key either expiring or
 * bounded.
 */
@NullMarked
package dev.redispatterns.structures;

import org.jspecify.annotations.NullMarked;
