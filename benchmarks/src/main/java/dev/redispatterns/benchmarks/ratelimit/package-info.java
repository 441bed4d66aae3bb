/**
 * Rate-limit workloads and implementations behind {@code RateLimiterSubject}: one decision per operation.
 */
@NullMarked
package dev.redispatterns.benchmarks.ratelimit;

import org.jspecify.annotations.NullMarked;
