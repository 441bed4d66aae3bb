/**
 * Health and metrics of the starter, kept apart from the engine so Actuator and Micrometer stay optional.
 */
@NullMarked
package dev.redispatterns.observability;

import org.jspecify.annotations.NullMarked;
