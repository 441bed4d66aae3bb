/**
 * Distributed locks on Redis: exclusive locks handed over in arrival order, read-write locks and counting
 * semaphores, each with an owner token per acquisition (never a thread), a lease kept alive by a watchdog
 * while the holder runs, and a fencing token that lets a downstream store reject a stale holder's writes.
 * <p>
 * The engine ({@link dev.redispatterns.lock.RedisLockManager}) is plain Java and needs no Spring context;
 * {@link dev.redispatterns.lock.DistributedLock} and its advisor put it behind an annotation. Locks fail
 * closed: when Redis cannot be reached nothing is acquired and no guarded code runs.
 */
@NullMarked
package dev.redispatterns.lock;

import org.jspecify.annotations.NullMarked;
