/**
 * Stream end-to-end workloads and consumer implementations behind {@code StreamSubject}.
 */
@NullMarked
package dev.redispatterns.benchmarks.stream;

import org.jspecify.annotations.NullMarked;
