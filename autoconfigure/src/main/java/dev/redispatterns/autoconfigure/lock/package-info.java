/**
 * Auto-configuration of distributed locks: the lock manager, the {@code @DistributedLock} advisor and the
 * lock metrics, configured under {@code redis.patterns.lock}.
 */
@NullMarked
package dev.redispatterns.autoconfigure.lock;

import org.jspecify.annotations.NullMarked;
