package dev.redispatterns.structures;

/**
 * Outcome of a bounded increment.
 * @param accepted whether the increment was applied (the result stayed within the limit)
 * @param value the counter's value after the call
 */
public record CounterUpdate(boolean accepted, long value) {
}
