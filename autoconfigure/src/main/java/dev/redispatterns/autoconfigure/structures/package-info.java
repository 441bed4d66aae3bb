/**
 * Auto-configuration of the data-structure services, with their per-name settings resolved and checked
 * once at start-up.
 */
@NullMarked
package dev.redispatterns.autoconfigure.structures;

import org.jspecify.annotations.NullMarked;
