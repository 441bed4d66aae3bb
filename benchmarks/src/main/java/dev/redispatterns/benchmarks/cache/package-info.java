/**
 * Cache workloads (hits, stampede on a cold key) and implementations behind {@code CacheSubject},
 * which mirrors Spring's {@code Cache} API.
 */
@NullMarked
package dev.redispatterns.benchmarks.cache;

import org.jspecify.annotations.NullMarked;
