/**
 * The public path: each pattern called as applications call it — an annotated bean method, or Spring's
 * {@code CacheManager} — in a Spring Boot context with Actuator and Micrometer present and the
 * starter's default settings, beside the floors, the engine-level subjects and the peers.
 */
@NullMarked
package dev.redispatterns.benchmarks.e2e;

import org.jspecify.annotations.NullMarked;
