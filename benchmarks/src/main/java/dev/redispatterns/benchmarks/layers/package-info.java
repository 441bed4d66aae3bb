/**
 * Layer-cost mode: JMH benchmarks of the starter's own layers (SpEL keys, codec, script execution,
 * near cache, the annotation advice in a Spring Boot context) against the direct call they wrap, so a
 * regression in a layer shows as a ratio.
 */
@NullMarked
package dev.redispatterns.benchmarks.layers;

import org.jspecify.annotations.NullMarked;
