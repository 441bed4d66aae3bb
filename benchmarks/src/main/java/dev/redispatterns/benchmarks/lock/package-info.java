/**
 * Lock workloads (uncontended cycles, contended hand-off in one or several JVMs) and implementations
 * behind {@code LockSubject}.
 */
@NullMarked
package dev.redispatterns.benchmarks.lock;

import org.jspecify.annotations.NullMarked;
