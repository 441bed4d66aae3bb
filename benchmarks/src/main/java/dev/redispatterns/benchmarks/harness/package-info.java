/**
 * The harness: cell JVMs and their start handshake, the closed-loop driver, HdrHistogram latencies,
 * Redis command counting ({@code INFO stats}, {@code MONITOR}), the target checks and the markdown report.
 * Nothing here knows a peer library; {@code StarterCore} builds this starter's core objects for its cells.
 */
@NullMarked
package dev.redispatterns.benchmarks.harness;

import org.jspecify.annotations.NullMarked;
