package dev.redispatterns.consistency.history;

/**
 * Something the shared database (run by the driver) saw, time-stamped on the driver's clock when it
 * happened. Events are totally ordered: the database stamps them under one lock.
 *
 * @param time when the database handled it
 * @param kind {@code load}, {@code bump} (cache source), {@code claim}, {@code write}, {@code exit} (fenced
 * register)
 * @param key cache key or lock name
 * @param number the version (load, bump) or the fencing token (claim, write, exit)
 * @param process the application that asked
 * @param op the driver's operation it belongs to
 * @param accepted whether the register accepted it (claim, write), or, for exit, whether the holder had
 * been told it lost the lock
 */
public record Event(long time, String kind, String key, long number, String process, long op, boolean accepted) {
}
