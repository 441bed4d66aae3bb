/**
 * Auto-configuration of the starter's health indicator and metrics, active only when Actuator or
 * Micrometer are present.
 */
@NullMarked
package dev.redispatterns.autoconfigure.observability;

import org.jspecify.annotations.NullMarked;
