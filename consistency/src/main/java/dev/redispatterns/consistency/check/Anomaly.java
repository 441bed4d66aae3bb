package dev.redispatterns.consistency.check;

import java.util.List;

/**
 * A violation of a pattern's invariant that no documented behaviour explains.
 *
 * @param pattern the checker that found it
 * @param kind a short class name ({@code stale-read}, {@code overlap}, {@code over-limit}, ...)
 * @param key the cache key, lock, rate-limit key, message or user concerned
 * @param time when it became visible (driver time), for the report's fault column and context
 * @param description what was seen, in a sentence
 * @param ops ids of the operations that prove it
 */
public record Anomaly(String pattern, String kind, String key, long time, String description, List<Long> ops) {
}
