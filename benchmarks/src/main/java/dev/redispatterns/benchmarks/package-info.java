/**
 * Side-by-side measurements of the starter against raw Lettuce (the floor) and the libraries people use
 * today. {@code BenchmarkSuite} runs every registered (workload, implementation) cell of {@code Catalog} in
 * its own JVM, in one run, so the ratios it reports compare numbers taken on the same machine minutes apart.
 */
@NullMarked
package dev.redispatterns.benchmarks;

import org.jspecify.annotations.NullMarked;
